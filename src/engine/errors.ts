// Every error the engine raises on purpose. Callers branch on the class, and the
// CLI maps classes to exit codes, so each distinct outcome has its own type.
import type { Job } from './codec/job.js';

export class WorkError extends Error {
  override name = 'WorkError';
}

/** A delete found nothing to delete (gocraft's ErrNotDeleted). */
export class NotDeletedError extends WorkError {
  override name = 'NotDeletedError';
  constructor(message = 'nothing deleted') {
    super(message);
  }
}

/** A retry found nothing to retry (gocraft's ErrNotRetried). */
export class NotRetriedError extends WorkError {
  override name = 'NotRetriedError';
  constructor(message = 'nothing retried') {
    super(message);
  }
}

/** Bad input from a caller: an invalid job name, args that are not an object, a bad option. */
export class InvalidArgumentError extends WorkError {
  override name = 'InvalidArgumentError';
}

/** Bytes in Redis that are not a job gocraft could decode. */
export class InvalidJobError extends WorkError {
  override name = 'InvalidJobError';
}

/**
 * Redis refused part of a bulk enqueue. The jobs in `enqueued` were written
 * and stay queued; the rest were not.
 */
export class BulkEnqueueError extends WorkError {
  override name = 'BulkEnqueueError';
  constructor(
    readonly enqueued: Job[],
    readonly requested: number,
    readonly failedChunk: number,
    readonly chunks: number,
    readonly jobName: string,
    override readonly cause: unknown,
  ) {
    super(
      `enqueueBulk: Redis refused chunk ${failedChunk + 1} of ${chunks} (jobs of "${jobName}"): ${errorMessage(cause)}; ` +
        `${enqueued.length} of ${requested} jobs were written and stay queued, the other ${requested - enqueued.length} were not`,
    );
  }
}

/** A handler ran past its job's timeout. */
export class JobTimeoutError extends WorkError {
  override name = 'JobTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`job timed out after ${timeoutMs / 1000}s`);
  }
}

/**
 * The reason a job's signal aborts when a stopping pool runs out of grace and
 * gives the job back to its queue. The job did not fail: it will run again.
 */
export class JobRequeuedError extends WorkError {
  override name = 'JobRequeuedError';
  constructor() {
    super('worker pool stopped before the job finished; it was requeued');
  }
}

/** A job was fetched whose name no handler is registered for. */
export class StrayJobError extends WorkError {
  override name = 'StrayJobError';
  constructor() {
    super('stray job: no handler');
  }
}

/**
 * A job was rescued from dead pools (its process died while running it) as
 * often as its maxRescues allows: it goes to dead instead of running again.
 */
export class KilledWorkerError extends WorkError {
  override name = 'KilledWorkerError';
  constructor(readonly rescues: number) {
    super(`killed its worker ${rescues} times: the pool running it died each time (maxRescues); not run again`);
  }
}

/** `value instanceof type`, false where the check itself throws (a revoked Proxy). */
export function isInstance<T>(value: unknown, type: abstract new (...args: never[]) => T): value is T {
  try {
    return value instanceof type;
  } catch {
    return false;
  }
}

/** What was thrown, as an Error: itself when it is one, else an Error with its text and the value as `cause`. */
export function asError(thrown: unknown): Error {
  return isInstance(thrown, Error) ? thrown : new Error(errorMessage(thrown), { cause: thrown });
}

/** What a thrown value reads as when nothing about it can be read safely. */
export const UNPRINTABLE = '[unprintable thrown value]';

/**
 * Turn anything a handler threw or rejected with into an error message.
 * Never throws: a handler may throw an object whose `message` getter or
 * `toString` throws, a Proxy, or a revoked Proxy, and the job must still end
 * as a failure with a readable error.
 */
export function errorMessage(thrown: unknown): string {
  try {
    if (isInstance(thrown, Error)) {
      const message = textOrEmpty(() => thrown.message) || textOrEmpty(() => thrown.name);
      return message || UNPRINTABLE;
    }
    // An empty string would leave the job's err field blank: say what happened instead.
    if (typeof thrown === 'string') return thrown === '' ? 'threw an empty string' : thrown;
    // JSON has no NaN, Infinity, symbols or bigints: String() says what they are.
    if (typeof thrown === 'symbol' || typeof thrown === 'bigint' || typeof thrown === 'number') return String(thrown);
  } catch {
    return UNPRINTABLE;
  }
  try {
    const text = JSON.stringify(thrown);
    if (text !== undefined) return text;
  } catch {
    // circular, a throwing toJSON or getter: try String() below
  }
  return textOrEmpty(() => String(thrown)) || UNPRINTABLE;
}

function textOrEmpty(read: () => unknown): string {
  try {
    const value = read();
    return typeof value === 'string' ? value : '';
  } catch {
    return '';
  }
}
