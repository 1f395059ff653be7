// What the Client answers. Times are epoch seconds, as gocraft stores them.
import type { Job } from '../codec/job.js';
import type { RedisBytes } from '../codec/redis-bytes.js';

/** One queue, for every name in known_jobs (gocraft's Queues() plus pause and concurrency state). */
export interface QueueInfo {
  jobName: string;
  /** Jobs waiting in the queue. */
  count: number;
  /** Seconds the oldest waiting job has waited (now − its "t"); 0 for an empty queue. Never negative. */
  latency: number;
  /** The pause key exists. */
  paused: boolean;
  /** The namespace-wide lock count (running jobs of this name); can be negative after a false reap (spec 16.2.1). */
  running: number;
  /** 0 = unlimited. */
  maxConcurrency: number;
  /** Priority set by the last work pool started with this job; 0 when unknown (gocraft keeps none in Redis). */
  priority: number;
  /** The oldest job could not be decoded, so latency is 0 (gocraft crashes here, spec 16.1.10). */
  invalidOldest: boolean;
}

/** A worker pool's heartbeat hash (gocraft's WorkerPoolHeartbeat). */
export interface PoolHeartbeat {
  poolId: string;
  startedAt: number;
  heartbeatAt: number;
  jobNames: string[];
  concurrency: number;
  host: string;
  pid: number;
  workerIds: string[];
  /**
   * Set when the hash is missing or a number in it does not parse; those
   * fields read 0. gocraft fails the whole call instead.
   */
  invalid?: string;
}

/** What one worker listed by a heartbeat is doing (gocraft's WorkerObservation, plus its pool). */
export interface WorkerObservation {
  workerId: string;
  poolId: string;
  isBusy: boolean;
  jobName: string;
  jobId: string;
  startedAt: number;
  /** The "args" field as the worker wrote it: Go JSON, or '' for nil/empty args. */
  argsJson: string;
  checkin: string;
  checkinAt: number;
  /** Set when a number in the hash does not parse (that field reads 0). */
  invalid?: string;
}

/**
 * A member of the scheduled, retry or dead set: the decoded job, its score
 * (run at / retry at / died at) and the member's exact bytes, which identify
 * it in Redis. An undecodable member has zero-valued job fields and `invalid`.
 */
export type JobEntry = Job & {
  score: number;
  raw: string;
  invalid?: string;
};

export interface JobPage {
  /** Members in the set (or, with a jobName filter, members of that name). */
  count: number;
  jobs: JobEntry[];
}

export type JobSetName = 'scheduled' | 'retry' | 'dead';

export interface FoundJob {
  set: JobSetName;
  score: number;
  job: Job;
  raw: string;
}

/** Where one job is, as locateJob finds it. */
export type JobPlace =
  | {
      where: 'queued';
      jobName: string;
      /** Jobs ahead of it: taken before it. */
      ahead: number;
      /** The element's exact bytes, to delete it (deleteQueuedJob); not for display, `raw` is. */
      member: RedisBytes;
    }
  | { where: 'in-progress'; jobName: string; poolId: string }
  | { where: JobSetName; score: number };

export type LocatedJob = JobPlace & { job: Job; raw: string };

export interface StreamOptions {
  /** Only members whose decoded name is this. */
  jobName?: string;
  /** Members read per step; default 1000. */
  batchSize?: number;
  /** Checked between batches. */
  signal?: AbortSignal;
}

export interface PurgeResult {
  /** Jobs removed from the queue: exactly what was in it at that moment. */
  purged: number;
  /** Uniqueness markers of purged jobs released, so equal jobs can be enqueued again. */
  markersReleased: number;
}

export interface PageOptions {
  /** Only members whose decoded name is this; undecodable members are then left out. */
  jobName?: string;
}

export interface FindOptions {
  /**
   * The score the caller last saw (e.g. from a page). The lookup tries that
   * score first, an O(log n) read, and falls back to a scan of the set.
   */
  score?: number;
}

export interface BulkProgress {
  /** Members looked at so far. */
  done: number;
  /** Members in range when the operation started (grows if more were seen). */
  total: number;
}

export interface BulkOptions {
  /** Only jobs of this name. */
  jobName?: string;
  /** Only jobs whose last error holds this text (ASCII letters in any case; see client/search.ts). */
  errorMatch?: string;
  /** Only jobs whose name, ID, last error or args hold this text (as a search does). */
  text?: string;
  /** Members read and handled per step (one short Redis call each); default 1000. */
  batchSize?: number;
  /** Checked between batches; an aborted run stops cleanly and reports `aborted`. */
  signal?: AbortSignal;
  onProgress?: (progress: BulkProgress) => void;
}

export interface JobStats {
  jobName: string;
  processed: number;
  failed: number;
}

export interface ServerInfo {
  version: string;
  /** As Redis reports it, e.g. "1.05M". */
  usedMemory: string;
  connectedClients: number;
}
