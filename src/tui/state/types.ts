// The console's data and UI state types.
import type { JobEntry, JobPage, JobSetName, JobStats, PoolHeartbeat, QueueInfo, ServerInfo, WorkerObservation } from '../../engine/client/client.js';

export const VIEWS = ['overview', 'queues', 'pools', 'workers', 'retry', 'scheduled', 'dead'] as const;
export type View = (typeof VIEWS)[number];
export type SetView = Extract<View, JobSetName>;

export const VIEW_TITLES: Record<View, string> = {
  overview: 'Overview',
  queues: 'Queues',
  pools: 'Pools',
  workers: 'Workers',
  retry: 'Retry',
  scheduled: 'Scheduled',
  dead: 'Dead',
};

export function isSetView(view: View): view is SetView {
  return view === 'retry' || view === 'scheduled' || view === 'dead';
}

/** Everything one refresh reads, at a fixed cost whatever the size of the sets. */
export interface ClusterSnapshot {
  /** Milliseconds since the epoch, when the refresh started. */
  at: number;
  queues: QueueInfo[];
  pools: PoolHeartbeat[];
  observations: WorkerObservation[];
  stats: JobStats[];
  counts: Record<JobSetName, number>;
  /** The page of the set view on screen, if any. */
  page?: { set: JobSetName; number: number; result: JobPage };
  server?: ServerInfo;
}

/** Counter totals at one refresh, for rates and sparklines. */
export interface Sample {
  at: number;
  processed: number;
  failed: number;
  perQueue: Record<string, number>;
}

/** What a question in the footer will do on `y`; each names what it touches. */
export type ConfirmAction =
  | { kind: 'retry-all-dead'; count: number }
  | { kind: 'delete-all-dead'; count: number }
  | { kind: 'retry-job'; id: string; name: string }
  | { kind: 'delete-job'; set: SetView; id: string; name: string };

/** What has the keys: the view's rows, the help, an open job, or a question. */
export type Mode = 'list' | 'help' | 'detail' | 'confirm';

export interface Viewport {
  columns: number;
  rows: number;
}

export interface TopState {
  view: View;
  selected: Record<View, number>;
  pages: Record<SetView, number>;
  filter: string;
  filtering: boolean;
  help: boolean;
  detail: JobEntry | undefined;
  /** First line shown of the help or the open job, when they are longer than the screen. */
  scroll: number;
  confirm: { action: ConfirmAction } | undefined;
  /** Acting keys are off (--read-only, WORK_READ_ONLY=1). */
  readOnly: boolean;
  viewport: Viewport;
  status: { text: string; error: boolean; at: number } | undefined;
  connection: 'connecting' | 'connected' | 'disconnected';
  lastError: string | undefined;
  snapshot: ClusterSnapshot | undefined;
  history: Sample[];
}
