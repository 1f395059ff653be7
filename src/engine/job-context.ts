// What a handler receives: the job's fields, a way to report progress, and a
// signal that fires on timeout or forced shutdown.
import type { Job } from './job.js';

export interface JobContext<Args = Record<string, unknown>> {
  readonly name: string;
  readonly id: string;
  /** Epoch seconds when the job was (last) put on its queue. */
  readonly enqueuedAt: number;
  readonly args: Args;
  /** Failures before this attempt (0 on the first run). */
  readonly fails: number;
  readonly lastError: string | undefined;
  /** Epoch seconds of the last failure. */
  readonly failedAt: number | undefined;
  readonly unique: boolean;
  /** Aborted when the job times out or the pool is forced to stop. Pass it to I/O. */
  readonly signal: AbortSignal;
  /** Record a progress message, shown by `work top` and `work workers`. */
  checkin(message: string): void;
}

export function makeJobContext(job: Job, abort: { readonly signal: AbortSignal }, checkin: (message: string) => void): JobContext {
  return {
    name: job.name,
    id: job.id,
    enqueuedAt: job.enqueuedAt,
    args: (job.args ?? {}) as Record<string, unknown>,
    fails: job.fails,
    lastError: job.lastError,
    failedAt: job.failedAt,
    unique: job.unique,
    // Made on first use: most handlers never look at it.
    get signal() {
      return abort.signal;
    },
    checkin,
  };
}
