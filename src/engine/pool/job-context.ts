// What a handler receives: the job's fields, a way to report progress, and a
// signal that fires on timeout or forced shutdown.
import type { Job } from '../codec/job.js';

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

/**
 * A class rather than an object literal: a literal with a getter cost about
 * 1 KB of garbage per job (a fresh accessor and shape each time), a tenth of
 * a busy worker's allocations. The signal getter lives on the prototype.
 */
class Context implements JobContext {
  readonly name: string;
  readonly id: string;
  readonly enqueuedAt: number;
  readonly args: Record<string, unknown>;
  readonly fails: number;
  readonly lastError: string | undefined;
  readonly failedAt: number | undefined;
  readonly unique: boolean;
  /** An own property, so `const { checkin } = job` works. */
  readonly checkin: (message: string) => void;
  /** Private, so it shows in neither a spread, JSON nor Object.keys of the context. */
  readonly #abort: { readonly signal: AbortSignal };

  constructor(job: Job, abort: { readonly signal: AbortSignal }, checkin: (message: string) => void) {
    this.#abort = abort;
    this.name = job.name;
    this.id = job.id;
    this.enqueuedAt = job.enqueuedAt;
    this.args = (job.args ?? {}) as Record<string, unknown>;
    this.fails = job.fails;
    this.lastError = job.lastError;
    this.failedAt = job.failedAt;
    this.unique = job.unique;
    this.checkin = checkin;
  }

  // Made on first use: most handlers never look at it. On the prototype, so
  // a spread context (`{ ...job }`) does not carry it: pass job.signal along.
  get signal(): AbortSignal {
    return this.#abort.signal;
  }
}

export function makeJobContext(job: Job, abort: { readonly signal: AbortSignal }, checkin: (message: string) => void): JobContext {
  return new Context(job, abort, checkin);
}
