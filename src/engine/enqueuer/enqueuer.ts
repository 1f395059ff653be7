// Producers: put jobs on queues, on the scheduled set, or nowhere when an equal
// unique job is already waiting. Writes exactly what gocraft's Enqueuer writes
// (plus a wake-up message for idle pools on a new key gocraft never reads).
import type { Redis } from 'ioredis';
import { epochSeconds, systemClock, type Clock } from '../clock.js';
import { BulkEnqueueError, InvalidArgumentError } from '../errors.js';
import { makeId } from '../codec/ids.js';
import { encodeJob, encodeUniqueKeyMap, type Job } from '../codec/job.js';
import { knownJobsKey, namespacePrefix, queueKey, scheduledKey, uniqueKey, wakeChannel } from '../codec/keys.js';
import { closeConnection, openNamespaceConnection, type Connection, type RedisInput } from '../redis/connection.js';
import { execOrThrow } from '../redis/pipeline.js';
import { enqueueJobsCall, enqueueUniqueCall } from '../redis/calls/enqueue.js';
import { queueCall, send } from '../redis/script-call.js';
import { validateArgs, validateJobName } from '../codec/validation.js';
import { prepareTracing, traceEnqueue } from '../tracing/otel.js';
import type { TraceContext } from '../tracing/trace-context.js';

export type JobArgs = Record<string, unknown>;

export interface EnqueuerOptions {
  /** Redis URL, ioredis options, or a client to share (then it is not closed by close()). */
  redis?: RedisInput;
  /** gocraft namespace; default "work". */
  namespace?: string;
  clock?: Clock;
  /** Largest encoded job accepted, in bytes; default 1 MiB. */
  maxJobBytes?: number;
}

export interface EnqueueOptions {
  /** Run it this many seconds from now (the scheduled set) instead of at once. */
  in?: number;
  /** Refuse it (null) while an equal job, same name and args, waits or is scheduled. */
  unique?: boolean;
  /** Unique by this key map instead of the args (unique is then implied); a refused call updates the waiting job's args. */
  uniqueKey?: JobArgs | null;
}

const ENQUEUE_OPTIONS = new Set(['in', 'unique', 'uniqueKey']);

function checkEnqueueOptions(options: EnqueueOptions): EnqueueOptions {
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('enqueue options must be an object');
  const unknown = Object.keys(options).filter((key) => !ENQUEUE_OPTIONS.has(key));
  if (unknown.length > 0) throw new InvalidArgumentError(`unknown enqueue option(s): ${unknown.join(', ')} (known: in, unique, uniqueKey)`);
  if (options.unique !== undefined && typeof options.unique !== 'boolean') throw new InvalidArgumentError('enqueue option "unique" must be true or false');
  return options;
}

export interface ScheduledJob {
  /** When the job becomes due, epoch seconds. */
  runAt: number;
  job: Job;
}

export interface BulkJob {
  name: string;
  args?: JobArgs | null;
}

/** gocraft keeps unique markers for a day. */
export const UNIQUE_TTL_SECONDS = 86_400;
/** Jobs per enqueue script call, and per pipeline (a round trip) of a bulk enqueue. */
export const BULK_CHUNK = 1000;
export const BULK_PIPELINE = 10_000;
/** gocraft re-registers a name in known_jobs at most this often per Enqueuer. */
const KNOWN_JOBS_REFRESH_MS = 300_000;
const DEFAULT_MAX_JOB_BYTES = 1024 * 1024;

export class Enqueuer {
  readonly prefix: string;
  private readonly connection: Connection;
  private readonly clock: Clock;
  private readonly maxJobBytes: number;
  private readonly knownUntil = new Map<string, number>();

  constructor(options: EnqueuerOptions = {}) {
    this.prefix = namespacePrefix(options.namespace ?? 'work');
    this.connection = openNamespaceConnection(options.redis, this.prefix);
    this.clock = options.clock ?? systemClock;
    this.maxJobBytes = options.maxJobBytes ?? DEFAULT_MAX_JOB_BYTES;
    void prepareTracing(); // the first enqueue need not wait for the import
  }

  /** Private: callers act through the methods, never on Redis directly. */
  private get redis(): Redis {
    return this.connection.redis;
  }

  /**
   * Queue a job to run as soon as a worker is free. With options: `in`
   * schedules it that many seconds from now; `unique` refuses it (null) while
   * an equal job (same name and args) waits or is scheduled; `uniqueKey`
   * makes it unique by that key map instead of the args, and a refused call
   * then replaces the waiting job's args with its own.
   */
  enqueue(name: string, args?: JobArgs | null): Promise<Job>;
  enqueue(name: string, args: JobArgs | null, options: EnqueueOptions): Promise<Job | null>;
  async enqueue(name: string, args: JobArgs | null = {}, options?: EnqueueOptions): Promise<Job | null> {
    if (options !== undefined) {
      const { in: seconds, unique, uniqueKey } = checkEnqueueOptions(options);
      const delay = seconds === undefined ? undefined : validateDelay(seconds);
      if (unique || uniqueKey !== undefined) {
        const byKey = uniqueKey !== undefined;
        return (await this.enqueueUniqueAt(name, args, byKey ? uniqueKey : args, delay, byKey))?.job ?? null;
      }
      if (delay !== undefined) return (await this.enqueueIn(name, delay, args)).job;
    }
    return traceEnqueue(() => ({ names: [name], count: 1 }), (trace) => this.enqueueNow(name, args, trace));
  }

  private async enqueueNow(name: string, args: JobArgs | null, trace: TraceContext | undefined): Promise<Job> {
    // One job, the common case: one script call, no pipeline (building an
    // ioredis pipeline cost more than the rest of the call) and no chunking.
    const { job, bytes } = this.build(name, args, epochSeconds(this.clock), undefined, trace);
    const call = enqueueJobsCall(queueKey(this.prefix, name), wakeChannel(this.prefix), name, [bytes]);
    const registering = this.namesToRegister([name]);
    if (registering.length === 0) {
      await send(this.redis, call);
      return job;
    }
    const pipe = this.redis.pipeline();
    queueCall(pipe, call);
    pipe.sadd(knownJobsKey(this.prefix), ...registering);
    await execOrThrow(pipe);
    this.registered(registering);
    return job;
  }

  /**
   * Queue any number of jobs. Jobs of one name are pushed in order, in calls
   * of at most BULK_CHUNK jobs (a Lua script cannot unpack many thousands of
   * arguments), sent in pipelines of at most BULK_PIPELINE jobs. Each call
   * is atomic; should Redis refuse one, no later pipeline is sent, and the
   * BulkEnqueueError lists the jobs that were written (they stay queued);
   * the others were not.
   */
  enqueueBulk(jobs: readonly BulkJob[]): Promise<Job[]> {
    return traceEnqueue(() => ({ names: [...new Set(jobs.map((j) => j.name))], count: jobs.length }), (trace) => this.enqueueBulkNow(jobs, trace));
  }

  private async enqueueBulkNow(jobs: readonly BulkJob[], trace: TraceContext | undefined): Promise<Job[]> {
    const now = epochSeconds(this.clock);
    const built = jobs.map(({ name, args }) => this.build(name, args ?? null, now, undefined, trace));
    const chunks = bulkChunks(built, BULK_CHUNK);
    const written: Job[] = [];
    for (let first = 0; first < chunks.length; ) {
      const pipe = this.redis.pipeline();
      const sent: BulkChunk[] = [];
      for (let size = 0; first < chunks.length && (size === 0 || size + chunks[first]!.jobs.length <= BULK_PIPELINE); first++) {
        const chunk = chunks[first]!;
        queueCall(pipe, enqueueJobsCall(queueKey(this.prefix, chunk.name), wakeChannel(this.prefix), chunk.name, chunk.bytes));
        sent.push(chunk);
        size += chunk.jobs.length;
      }
      const names = [...new Set(sent.map((c) => c.name))];
      const registering = this.namesToRegister(names);
      if (registering.length > 0) pipe.sadd(knownJobsKey(this.prefix), ...registering);
      const replies = (await pipe.exec()) ?? [];
      const failedAt = sent.findIndex((_, i) => replies[i]?.[0] || replies[i] === undefined);
      for (const chunk of failedAt === -1 ? sent : sent.filter((_, i) => !replies[i]?.[0] && replies[i] !== undefined)) {
        written.push(...chunk.jobs);
      }
      if (failedAt !== -1) {
        const cause = replies[failedAt]?.[0] ?? new Error('no reply');
        throw new BulkEnqueueError(written, built.length, chunks.indexOf(sent[failedAt]!), chunks.length, sent[failedAt]!.name, cause);
      }
      if (registering.length > 0 && !replies[sent.length]?.[0]) this.registered(registering);
    }
    return written.length === built.length ? built.map((b) => b.job) : written;
  }

  /** Put a job on the scheduled set to run `seconds` from now. */
  enqueueIn(name: string, seconds: number, args: JobArgs | null = {}): Promise<ScheduledJob> {
    return traceEnqueue(() => ({ names: [name], count: 1 }), (trace) => this.enqueueInNow(name, seconds, args, trace));
  }

  private async enqueueInNow(name: string, seconds: number, args: JobArgs | null, trace: TraceContext | undefined): Promise<ScheduledJob> {
    const now = epochSeconds(this.clock);
    const runAt = now + validateDelay(seconds);
    const { job, bytes } = this.build(name, args, now, undefined, trace);
    const pipe = this.redis.pipeline().zadd(scheduledKey(this.prefix), runAt, bytes);
    const registering = this.namesToRegister([name]);
    if (registering.length > 0) pipe.sadd(knownJobsKey(this.prefix), ...registering);
    await execOrThrow(pipe);
    this.registered(registering);
    return { runAt, job };
  }

  /** Queue a job unless one with the same name and args is queued or scheduled; null when refused. */
  async enqueueUnique(name: string, args: JobArgs | null = {}): Promise<Job | null> {
    const result = await this.enqueueUniqueAt(name, args, args, undefined, false);
    return result?.job ?? null;
  }

  async enqueueUniqueIn(name: string, seconds: number, args: JobArgs | null = {}): Promise<ScheduledJob | null> {
    return this.enqueueUniqueAt(name, args, args, validateDelay(seconds), false);
  }

  /**
   * Unique by a key map instead of the whole args (gocraft master). A refused
   * call still replaces the waiting job's args with its own, so the job runs
   * with the latest args.
   */
  async enqueueUniqueByKey(name: string, args: JobArgs | null, keyMap: JobArgs | null): Promise<Job | null> {
    const result = await this.enqueueUniqueAt(name, args, keyMap, undefined, true);
    return result?.job ?? null;
  }

  async enqueueUniqueInByKey(
    name: string,
    seconds: number,
    args: JobArgs | null,
    keyMap: JobArgs | null,
  ): Promise<ScheduledJob | null> {
    return this.enqueueUniqueAt(name, args, keyMap, validateDelay(seconds), true);
  }

  async close(): Promise<void> {
    await closeConnection(this.connection);
  }

  private enqueueUniqueAt(
    name: string,
    args: JobArgs | null,
    keyMap: JobArgs | null,
    delay: number | undefined,
    byKey: boolean,
  ): Promise<ScheduledJob | null> {
    return traceEnqueue(
      () => ({ names: [name], count: 1 }),
      (trace) => this.enqueueUniqueNow(name, args, keyMap, delay, byKey, trace),
      (result) => result === null,
    );
  }

  private async enqueueUniqueNow(
    name: string,
    args: JobArgs | null,
    keyMap: JobArgs | null,
    delay: number | undefined,
    byKey: boolean,
    trace: TraceContext | undefined,
  ): Promise<ScheduledJob | null> {
    validateJobName(name);
    validateArgs(args, 'args'); // before the key map: for by-args calls they are the same value
    validateArgs(keyMap, 'key map');
    const now = epochSeconds(this.clock);
    const marker = uniqueKey(this.prefix, name, encodeUniqueKeyMap(keyMap));
    const { job, bytes } = this.build(name, args, now, marker, trace);
    const runAt = delay === undefined ? undefined : now + delay;
    const pipe = this.redis.pipeline();
    const registering = this.namesToRegister([name]);
    if (registering.length > 0) pipe.sadd(knownJobsKey(this.prefix), ...registering);
    const call = enqueueUniqueCall({
      target: runAt === undefined ? queueKey(this.prefix, name) : scheduledKey(this.prefix),
      marker,
      bytes,
      byKey,
      ...(runAt === undefined ? {} : { runAt }),
      ttlSeconds: UNIQUE_TTL_SECONDS,
      wakeChannel: wakeChannel(this.prefix),
      name,
    });
    queueCall(pipe, call);
    const replies = await execOrThrow(pipe);
    this.registered(registering);
    if (!call.parse(replies[replies.length - 1])) return null;
    return { runAt: runAt ?? now, job };
  }

  private build(name: string, args: JobArgs | null, now: number, unique?: string, trace?: TraceContext): { job: Job; bytes: string } {
    validateJobName(name);
    validateArgs(args, 'args');
    const job: Job = {
      name,
      id: makeId(),
      enqueuedAt: now,
      args,
      unique: unique !== undefined,
      ...(unique !== undefined ? { uniqueKey: unique } : {}),
      fails: 0,
    };
    if (trace) job.trace = trace;
    const bytes = encodeJob(job);
    if (Buffer.byteLength(bytes) > this.maxJobBytes) {
      throw new InvalidArgumentError(
        `job "${name}" is ${Buffer.byteLength(bytes)} bytes encoded; the limit is ${this.maxJobBytes} (maxJobBytes)`,
      );
    }
    return { job, bytes };
  }

  /**
   * Names not registered in known_jobs in the last five minutes: the caller
   * SADDs them in the same round trip, and calls registered() once Redis has
   * taken the SADD (a refused call must not count as registering them).
   */
  private namesToRegister(names: readonly string[]): string[] {
    const now = this.clock.nowMs();
    return names.filter((n) => (this.knownUntil.get(n) ?? 0) <= now);
  }

  private registered(names: readonly string[]): void {
    const until = this.clock.nowMs() + KNOWN_JOBS_REFRESH_MS;
    for (const n of names) this.knownUntil.set(n, until);
  }
}

interface BulkChunk {
  name: string;
  jobs: Job[];
  bytes: string[];
}

/** Jobs grouped by name in the order given, each group cut into runs of at most `size`. */
export function bulkChunks(built: ReadonlyArray<{ job: Job; bytes: string }>, size: number): BulkChunk[] {
  const byName = new Map<string, BulkChunk[]>();
  for (const { job, bytes } of built) {
    let runs = byName.get(job.name);
    if (!runs) {
      runs = [];
      byName.set(job.name, runs);
    }
    let last = runs[runs.length - 1];
    if (!last || last.jobs.length >= size) {
      last = { name: job.name, jobs: [], bytes: [] };
      runs.push(last);
    }
    last.jobs.push(job);
    last.bytes.push(bytes);
  }
  // A name's chunks go in order, each name's together.
  return [...byName.values()].flat();
}

function validateDelay(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new InvalidArgumentError(`delay must be a number of seconds >= 0, got ${String(seconds)}`);
  }
  return Math.floor(seconds);
}
