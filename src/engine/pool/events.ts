// Typed events a worker pool emits (gocraft has none; gowork has event handlers).
import type { Job } from '../codec/job.js';
import type { RedisBytes } from '../codec/redis-bytes.js';

export interface JobEvent {
  poolId: string;
  workerId: string;
  job: Job;
}

export interface PoolEventMap {
  'job:started': [JobEvent];
  'job:completed': [JobEvent & { durationMs: number }];
  /**
   * Every failed attempt, whatever happens next (see `fate`). `error` is the
   * text stored in the job's err field; `exception` what the handler threw,
   * as an Error (a non-Error value is its `cause`).
   */
  'job:failed': [JobEvent & { error: string; exception: Error; fate: 'retry' | 'dead' | 'discard'; durationMs: number }];
  'job:retry': [JobEvent & { error: string; retryAt: number }];
  'job:dead': [JobEvent & { error: string }];
  'job:timeout': [JobEvent & { timeoutMs: number }];
  /**
   * A queue entry that is not a job this pool can run (not UTF-8, not a job
   * gocraft could decode, no name); it was moved to dead. `raw` is its text
   * (bytes that are not UTF-8 read as U+FFFD), `bytes` exactly what was popped.
   */
  'job:invalid': [{ poolId: string; queue: string; raw: string; bytes: RedisBytes; error: string }];
  heartbeat: [{ poolId: string; at: number }];
  /** This pool rescued the jobs of a pool that stopped heartbeating. */
  'pool:reaped': [{ poolId: string; deadPoolId: string; requeued: number }];
  /** A background role failed a step; it retries on its next tick. */
  error: [{ op: string; error: unknown }];
}
