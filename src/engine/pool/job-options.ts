// Per job name settings a pool registers, with gocraft's defaults and limits.
import { defaultBackoff, type BackoffFn } from './backoff.js';
import { InvalidArgumentError } from '../errors.js';

export interface JobOptions {
  /** Weight in the fetch order, 1..100000; default 1. */
  priority?: number;
  /** Attempts before the job goes to dead (or is discarded); default 4. */
  maxFails?: number;
  /** Discard instead of moving to dead after the last attempt. */
  skipDead?: boolean;
  /** Jobs of this name running at once across the namespace; 0 = unlimited. */
  maxConcurrency?: number;
  /** Seconds until the next attempt; `job.fails` counts the failure that just happened. */
  backoff?: BackoffFn;
  /** Milliseconds a handler may run before the job fails with a timeout; 0 = none. */
  timeoutMs?: number;
  /**
   * Times a job may be rescued from a pool that died while running it before
   * it goes to dead with "killed its worker N times" instead of running
   * again; default 3, Infinity = never. A job that crashes its process
   * (process.exit, out of memory, a native crash) would otherwise run forever.
   */
  maxRescues?: number;
}

export type ResolvedJobOptions = Required<JobOptions>;

/** gocraft's bounds; the fetch script draws job types with probability proportional to priority. */
export const MIN_PRIORITY = 1;
export const MAX_PRIORITY = 100_000;

export function resolveJobOptions(name: string, options: JobOptions = {}): ResolvedJobOptions {
  const priority = options.priority ?? 1;
  if (!Number.isInteger(priority) || priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
    throw new InvalidArgumentError(`job "${name}": priority must be an integer from 1 to 100000, got ${priority}`);
  }
  const maxFails = options.maxFails === undefined || options.maxFails === 0 ? 4 : options.maxFails;
  if (!Number.isInteger(maxFails) || maxFails < 1) {
    throw new InvalidArgumentError(`job "${name}": maxFails must be a positive integer, got ${options.maxFails}`);
  }
  const maxConcurrency = options.maxConcurrency ?? 0;
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < 0) {
    throw new InvalidArgumentError(`job "${name}": maxConcurrency must be an integer >= 0, got ${maxConcurrency}`);
  }
  const timeoutMs = options.timeoutMs ?? 0;
  if (!Number.isFinite(timeoutMs) || timeoutMs < 0) {
    throw new InvalidArgumentError(`job "${name}": timeoutMs must be a number >= 0, got ${timeoutMs}`);
  }
  const maxRescues = options.maxRescues ?? 3;
  if (!(maxRescues === Infinity || (Number.isInteger(maxRescues) && maxRescues >= 1))) {
    throw new InvalidArgumentError(`job "${name}": maxRescues must be a positive integer or Infinity, got ${options.maxRescues}`);
  }
  if (options.backoff !== undefined && typeof options.backoff !== 'function') {
    throw new InvalidArgumentError(`job "${name}": backoff must be a function (job) => seconds`);
  }
  return {
    priority,
    maxFails,
    skipDead: options.skipDead ?? false,
    maxConcurrency,
    backoff: options.backoff ?? ((job) => defaultBackoff(job.fails)),
    timeoutMs,
    maxRescues,
  };
}
