// Runs one fetched job from its queue bytes to an outcome: decode, release its
// uniqueness, find the handler, run the middleware chain under a timeout, and
// decide retry, dead or discard on failure. Never throws: every path ends in
// an outcome the dispatcher acknowledges in Redis.
import { epochSeconds, type Clock } from '../clock.js';
import { failureFate } from './backoff.js';
import { deadLetterBytes } from '../codec/dead-letter.js';
import { asError, errorMessage, InvalidJobError, isInstance, JobRequeuedError, JobTimeoutError, KilledWorkerError, StrayJobError } from '../errors.js';
import { makeJobContext } from './job-context.js';
import type { LazyAbort } from './lazy-abort.js';
import { decodeJob, decodeJobValue, markFailed, uniqueKeyMapFromRawArgs, type Job } from '../codec/job.js';
import type { ResolvedJobOptions } from './job-options.js';
import { inProgressKey, isUniqueKeyOf, uniqueKey } from '../codec/keys.js';
import type { PoolEventMap } from './events.js';
import type { Observer } from './observer.js';
import type { Redis } from 'ioredis';
import { textOf, type RedisBytes } from '../codec/redis-bytes.js';
import { send } from '../redis/script-call.js';
import { releaseUniqueCall, swapInProgressCall } from '../redis/calls/unique-markers.js';
import type { AckOutcome } from '../redis/calls/ack-jobs.js';
import { startRunSpan } from '../tracing/otel.js';

/** How a run ended, as its acknowledgement files it (ack-jobs-var.lua). */
export type Outcome = AckOutcome;

/** Shared: most jobs end this way, and an outcome is never changed once made. */
const OK: Outcome = Object.freeze({ kind: 'ok' });

export interface RegisteredJob {
  options: ResolvedJobOptions;
  run: (job: ReturnType<typeof makeJobContext>) => Promise<void>;
}

export interface RunnerDeps {
  redis: Redis;
  prefix: string;
  poolId: string;
  clock: Clock;
  observer: Observer;
  jobs: ReadonlyMap<string, RegisteredJob>;
  emit: <K extends keyof PoolEventMap>(event: K, ...args: PoolEventMap[K]) => void;
  /** Whether anyone listens: the per-job events are built only if so (a hot path). */
  listening: (event: keyof PoolEventMap) => boolean;
}

export interface FetchedJob {
  /**
   * Exact bytes listed in our in-progress list (as popped, or as swapped in
   * for a unique-by-key job); the key to acknowledge or return it.
   */
  bytes: RedisBytes;
  /** Name of the queue it came from. */
  queueName: string;
  workerId: string;
  /** Set by runJob for the durable metrics: how long the handler ran (ms), how long the job waited (s). */
  runMs?: number;
  waitedSeconds?: number;
  /** Times reapers put this job back after its pool died running it (fetch-jobs-var.lua). */
  rescues: number;
  controller: LazyAbort;
  /**
   * Set when the job timed out but its handler has not returned: settles when
   * it does. Until then the worker slot stays taken, so a pool never runs more
   * handlers at once than its concurrency, however many ignore their signal.
   */
  lingering?: Promise<void>;
}

export async function runJob(deps: RunnerDeps, fetched: FetchedJob): Promise<Outcome> {
  const { clock, emit, poolId } = deps;
  const { workerId } = fetched;
  let job: Job;
  let bytes: string;
  try {
    job = decodeJobValue(fetched.bytes);
    bytes = fetched.bytes as string; // decodeJobValue takes only text
    if (job.name === '') throw new InvalidJobError('invalid job: no name');
  } catch (error) {
    const now = epochSeconds(clock);
    const reason = error instanceof InvalidJobError ? error.message : `invalid job: ${errorMessage(error)}`;
    emit('job:invalid', { poolId, queue: fetched.queueName, raw: textOf(fetched.bytes), bytes: fetched.bytes, error: reason });
    return { kind: 'dead', score: now, bytes: deadLetterBytes(fetched.bytes, fetched.queueName, reason, now) };
  }

  if (job.unique) {
    try {
      const swapped = await releaseUnique(deps, job, fetched);
      if (swapped) ({ job, bytes } = swapped);
    } catch (error) {
      // The marker expires on its own within a day; the job itself must still run.
      emit('error', { op: 'unique.release', error });
    }
  }

  const registered = deps.jobs.get(job.name);
  const started = clock.nowMs();
  fetched.waitedSeconds = Math.floor(started / 1000) - job.enqueuedAt;
  const event = { poolId, workerId, job };
  if (!registered) return fail(deps, event, bytes, new StrayJobError(), undefined, started);
  if (fetched.rescues >= registered.options.maxRescues) {
    return fail(deps, event, bytes, new KilledWorkerError(fetched.rescues), undefined, started);
  }

  deps.observer.started(workerId, job);
  if (deps.listening('job:started')) emit('job:started', event);
  const context = makeJobContext(job, fetched.controller, (message) =>
    deps.observer.checkin(workerId, job.id, String(message)),
  );
  // Undefined unless an OpenTelemetry SDK is set up (tracing/otel.ts).
  let span = startRunSpan(job, fetched.queueName);
  if (span instanceof Promise) span = await span;
  const work = span ? span.run(() => registered.run(context)) : registered.run(context);
  try {
    await withTimeout(work, registered.options.timeoutMs, fetched.controller);
    fetched.runMs = clock.nowMs() - started;
    span?.end(requeuedAtStop(fetched) ? 'requeued' : 'ok');
    if (requeuedAtStop(fetched)) return OK;
    if (deps.listening('job:completed')) emit('job:completed', { ...event, durationMs: clock.nowMs() - started });
    return OK;
  } catch (thrown) {
    // A stopping pool gave the job back to its queue: whatever the handler did
    // since is not this attempt's result (the dispatcher ignores the outcome).
    fetched.runMs = clock.nowMs() - started;
    if (requeuedAtStop(fetched)) {
      span?.end('requeued');
      return OK;
    }
    if (isInstance(thrown, JobTimeoutError)) {
      fetched.lingering = work.then(noop, noop);
      deps.observer.checkin(workerId, job.id, `${thrown.message}; the handler has not returned yet`);
      emit('job:timeout', { ...event, timeoutMs: thrown.timeoutMs });
    }
    const outcome = fail(deps, event, bytes, thrown, registered.options, started);
    span?.end(outcome.kind, thrown);
    return outcome;
  } finally {
    // A handler still running after its timeout still occupies its worker, and shows as such.
    if (fetched.lingering) void fetched.lingering.then(() => deps.observer.done(workerId));
    else deps.observer.done(workerId);
  }
}

function noop(): void {}

function requeuedAtStop(fetched: FetchedJob): boolean {
  return fetched.controller.aborted && fetched.controller.reason instanceof JobRequeuedError;
}

function fail(
  deps: RunnerDeps,
  event: { poolId: string; workerId: string; job: Job },
  bytes: string,
  thrown: unknown,
  options: ResolvedJobOptions | undefined,
  started: number,
): Outcome {
  const now = epochSeconds(deps.clock);
  const error = errorMessage(thrown);
  const fails = event.job.fails + 1;
  // A job nobody handles goes straight to dead, as in gocraft; so does one that keeps killing its workers.
  const fate = options ? failureFate(fails, options.maxFails, options.skipDead) : 'dead';
  deps.emit('job:failed', { ...event, error, exception: asError(thrown), fate, durationMs: deps.clock.nowMs() - started });
  if (fate === 'discard') return { kind: 'discard' };
  const failedBytes = markFailed(bytes, fails, error, now);
  if (fate === 'dead') {
    deps.emit('job:dead', { ...event, error });
    return { kind: 'dead', score: now, bytes: failedBytes };
  }
  const delay = safeBackoff(options!, { ...event.job, fails });
  const retryAt = now + delay;
  deps.emit('job:retry', { ...event, error, retryAt });
  return { kind: 'retry', score: retryAt, bytes: failedBytes };
}

function safeBackoff(options: ResolvedJobOptions, job: Job): number {
  try {
    const seconds = Number(options.backoff(job));
    return Number.isFinite(seconds) && seconds >= 0 ? Math.floor(seconds) : 0;
  } catch {
    return 0;
  }
}

/**
 * Release the job's uniqueness marker as it starts (queued-or-scheduled is
 * what uniqueness covers). A marker holding another job's bytes means a later
 * unique-by-key call replaced the args: run that job instead, and list it in
 * place of the placeholder in our in-progress list, so that a rescue requeues
 * the latest args and the acknowledgement removes what is listed (gocraft
 * acknowledges the marker's bytes and leaves the placeholder behind).
 */
async function releaseUnique(deps: RunnerDeps, job: Job, fetched: FetchedJob): Promise<{ job: Job; bytes: string } | undefined> {
  const bytes = fetched.bytes as string; // the job decoded, so it is text
  const key = markerOf(deps, job, bytes);
  const [marker] = await send(deps.redis, releaseUniqueCall([key]));
  // A marker that is not UTF-8 holds no job this pool would run: the placeholder runs.
  if (typeof marker !== 'string' || marker === '1' || marker === bytes || !marker.startsWith('{')) return undefined;
  let replacement: Job;
  try {
    replacement = decodeJob(marker);
  } catch {
    return undefined;
  }
  if (replacement.name !== job.name) return undefined;
  const listed = inProgressKey(deps.prefix, fetched.queueName, deps.poolId);
  // Not swapped: a reaper took the placeholder back meanwhile; it is acknowledged as popped (a no-op).
  if (await send(deps.redis, swapInProgressCall(listed, bytes, marker))) fetched.bytes = marker;
  return { job: replacement, bytes: marker };
}

/** The job's uniqueness marker: its unique_key when that names one of its markers, else the key its args make. */
function markerOf(deps: RunnerDeps, job: Job, bytes: string): string {
  if (job.uniqueKey !== undefined) {
    if (isUniqueKeyOf(deps.prefix, job.name, job.uniqueKey)) return job.uniqueKey;
    deps.emit('error', {
      op: 'unique.release',
      error: new InvalidJobError(
        `job ${job.id} names ${JSON.stringify(job.uniqueKey)} as its unique_key, which is not a uniqueness marker of ${job.name} in this namespace; ignored, its own marker is released instead`,
      ),
    });
  }
  return uniqueKey(deps.prefix, job.name, uniqueKeyMapFromRawArgs(bytes));
}

function withTimeout(work: Promise<void>, timeoutMs: number, controller: LazyAbort): Promise<void> {
  if (timeoutMs <= 0) return work;
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      const error = new JobTimeoutError(timeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
