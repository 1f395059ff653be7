// The console's data and UI state types.
import type { JobEntry, JobPage, JobSetName, JobStats, PoolHeartbeat, QueueInfo, ServerInfo, WorkerObservation } from '../../engine/client.js';

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

export type ConfirmAction =
  | { kind: 'retry-all-dead' }
  | { kind: 'delete-all-dead' }
  | { kind: 'delete-job'; set: SetView; id: string };

export interface TopState {
  view: View;
  selected: Record<View, number>;
  pages: Record<SetView, number>;
  filter: string;
  filtering: boolean;
  help: boolean;
  detail: JobEntry | undefined;
  confirm: { action: ConfirmAction; message: string } | undefined;
  status: { text: string; error: boolean; at: number } | undefined;
  connection: 'connecting' | 'connected' | 'disconnected';
  lastError: string | undefined;
  snapshot: ClusterSnapshot | undefined;
  history: Sample[];
}
