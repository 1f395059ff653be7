// The console's data and UI state types.
import type { Job } from '../../engine/codec/job.js';
import type { RedisBytes } from '../../engine/codec/redis-bytes.js';
import type {
  JobEntry,
  JobPage,
  JobQuery,
  JobSetName,
  JobStats,
  PoolHeartbeat,
  QueuedEntry,
  QueueInfo,
  QueuePage,
  ServerInfo,
  WorkerObservation,
} from '../../engine/client/client.js';
import type { ObservedStats, StatsSource } from './stats.js';

export const VIEWS = ['overview', 'queues', 'pools', 'workers', 'retry', 'scheduled', 'dead', 'stats'] as const;
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
  stats: 'Stats',
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
  /** The page of the queue opened on the queues view, if any. */
  queuePage?: { jobName: string; number: number; result: QueuePage };
  /** Durable per-minute counters, read only while the stats view is on screen and when there are any. */
  durable?: StatsSource;
  server?: ServerInfo;
}

/** Counter totals at one refresh, for rates and sparklines. */
export interface Sample {
  at: number;
  processed: number;
  failed: number;
  perQueue: Record<string, number>;
}

/** What a question in the footer will do on `y` (or once its answer is typed); each names what it touches. */
export type ConfirmAction =
  | { kind: 'retry-all-dead'; count: number }
  | { kind: 'delete-all-dead'; count: number }
  | { kind: 'retry-job'; id: string; name: string }
  | { kind: 'delete-job'; set: SetView; id: string; name: string }
  | { kind: 'run-now'; set: Exclude<SetView, 'dead'>; id: string; name: string }
  /** On dead: retry the matches; on retry or scheduled: move them to their queues now. */
  | { kind: 'retry-matches'; set: SetView; count: number; query: JobQuery }
  | { kind: 'delete-matches'; set: SetView; count: number; query: JobQuery }
  /** One job waiting in a queue, by its exact bytes; `id` and `name` are for the question and the report. */
  | { kind: 'delete-queued'; jobName: string; id: string; name: string; member: RedisBytes }
  | { kind: 'purge-queue'; jobName: string; count: number };

/** What has the keys: the view's rows, the help, an open job, or a question. */
export type Mode = 'list' | 'help' | 'detail' | 'confirm';

/** The job an open detail view shows, wherever it is. */
export type DetailTarget =
  | { where: SetView; entry: JobEntry }
  | { where: 'queued'; jobName: string; entry: QueuedEntry }
  | {
      where: 'in-progress';
      worker: WorkerObservation;
      /** The job as its pool's in-progress list holds it, once looked up. */
      job?: Job & { raw: string };
      /** 'pending' while looking, 'found', 'missing' when it was gone, or the error. */
      lookup: string;
    };

/** A search of a whole set: its matches so far and how far it got. */
export interface SearchState {
  /** Each search has its own number, so the steps of a stopped one are ignored. */
  id: number;
  set: SetView;
  input: string;
  query: JobQuery;
  status: 'running' | 'done' | 'stopped' | 'failed';
  done: number;
  total: number;
  /** The first matches, kept to show (up to MAX_KEPT_MATCHES). */
  matches: JobEntry[];
  /** Every match found, kept or not. */
  matchCount: number;
  error?: string;
}

/** A line being typed at the bottom: a search, a `:` command, or the answer to a typed question. */
export interface Prompt {
  kind: 'search' | 'command';
  text: string;
}

/** A bulk action running in batches: what it is and how far it got (Esc stops it between batches). */
export interface TaskState {
  label: string;
  done: number;
  total: number;
}

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
  prompt: Prompt | undefined;
  search: SearchState | undefined;
  /** The queue opened on the queues view (its jobs, paged). */
  queueJobs: { jobName: string; page: number; selected: number } | undefined;
  /** Per view, which of its orders `s` picked (0 = the usual one). */
  sort: Record<View, number>;
  help: boolean;
  detail: DetailTarget | undefined;
  /** First line shown of the help or the open job, when they are longer than the screen. */
  scroll: number;
  /** A question; `typed` is what was typed so far when it wants a typed answer. */
  confirm: { action: ConfirmAction; typed: string } | undefined;
  task: TaskState | undefined;
  /** Acting keys are off (--read-only, WORK_READ_ONLY=1). */
  readOnly: boolean;
  viewport: Viewport;
  status: { text: string; error: boolean; at: number } | undefined;
  connection: 'connecting' | 'connected' | 'disconnected';
  lastError: string | undefined;
  snapshot: ClusterSnapshot | undefined;
  history: Sample[];
  /** What this console saw since it opened, for the stats view. */
  observed: ObservedStats;
}
