// Typed events a worker pool emits (gocraft has none; gowork has event handlers).
import type { Job } from './job.js';

export interface JobEvent {
  poolId: string;
  workerId: string;
  job: Job;
}

export interface PoolEventMap {
  'job:started': [JobEvent];
  'job:completed': [JobEvent & { durationMs: number }];
  /** Every failed attempt, whatever happens next (see `fate`). */
  'job:failed': [JobEvent & { error: string; fate: 'retry' | 'dead' | 'discard'; durationMs: number }];
  'job:retry': [JobEvent & { error: string; retryAt: number }];
  'job:dead': [JobEvent & { error: string }];
  'job:timeout': [JobEvent & { timeoutMs: number }];
  /** A queue entry that is not a job gocraft could decode; it was moved to dead. */
  'job:invalid': [{ poolId: string; queue: string; raw: string; error: string }];
  heartbeat: [{ poolId: string; at: number }];
  /** This pool rescued the jobs of a pool that stopped heartbeating. */
  'pool:reaped': [{ poolId: string; deadPoolId: string; requeued: number }];
  /** A background role failed a step; it retries on its next tick. */
  error: [{ op: string; error: unknown }];
}
