// Producers: put jobs on queues, on the scheduled set, or nowhere when an equal
// unique job is already waiting. Writes exactly what gocraft's Enqueuer writes
// (plus a wake-up message for idle pools on a new key gocraft never reads).
import type { Redis } from 'ioredis';
import { epochSeconds, systemClock, type Clock } from './clock.js';
import { InvalidArgumentError } from './errors.js';
import { makeId } from './ids.js';
import { encodeJob, encodeUniqueKeyMap, type Job } from './job.js';
import { knownJobsKey, namespacePrefix, queueKey, scheduledKey, uniqueKey, wakeChannel } from './keys.js';
import { closeConnection, openConnection, type Connection, type RedisInput } from './redis/connection.js';
import { execOrThrow } from './redis/pipeline.js';
import { queueScript } from './redis/scripts.js';
import { validateArgs, validateJobName } from './validation.js';

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
    this.connection = openConnection(options.redis);
    this.prefix = namespacePrefix(options.namespace ?? 'work');
    this.clock = options.clock ?? systemClock;
    this.maxJobBytes = options.maxJobBytes ?? DEFAULT_MAX_JOB_BYTES;
  }

  get redis(): Redis {
    return this.connection.redis;
  }

  /** Queue a job to run as soon as a worker is free. */
  async enqueue(name: string, args: JobArgs | null = {}): Promise<Job> {
    const [job] = await this.enqueueBulk([{ name, args }]);
    return job!;
  }

  /**
   * Queue many jobs in one round trip. Jobs of one name are pushed in one
   * command, in the order given.
   */
  async enqueueBulk(jobs: readonly BulkJob[]): Promise<Job[]> {
    const now = epochSeconds(this.clock);
    const built = jobs.map(({ name, args }) => this.build(name, args ?? null, now));
    const byName = new Map<string, string[]>();
    for (const { job, bytes } of built) {
      const list = byName.get(job.name);
      if (list) list.push(bytes);
      else byName.set(job.name, [bytes]);
    }
    if (byName.size === 0) return [];
    const pipe = this.redis.pipeline();
    for (const [name, list] of byName) {
      queueScript(pipe, 'enqueue-1', [queueKey(this.prefix, name)], [wakeChannel(this.prefix), name, ...list]);
    }
    this.registerNames(pipe, [...byName.keys()]);
    await execOrThrow(pipe);
    return built.map((b) => b.job);
  }

  /** Put a job on the scheduled set to run `seconds` from now. */
  async enqueueIn(name: string, seconds: number, args: JobArgs | null = {}): Promise<ScheduledJob> {
    const now = epochSeconds(this.clock);
    const runAt = now + validateDelay(seconds);
    const { job, bytes } = this.build(name, args, now);
    const pipe = this.redis.pipeline().zadd(scheduledKey(this.prefix), runAt, bytes);
    this.registerNames(pipe, [name]);
    await execOrThrow(pipe);
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

  private async enqueueUniqueAt(
    name: string,
    args: JobArgs | null,
    keyMap: JobArgs | null,
    delay: number | undefined,
    byKey: boolean,
  ): Promise<ScheduledJob | null> {
    validateJobName(name);
    validateArgs(args, 'args'); // before the key map: for by-args calls they are the same value
    validateArgs(keyMap, 'key map');
    const now = epochSeconds(this.clock);
    const marker = uniqueKey(this.prefix, name, encodeUniqueKeyMap(keyMap));
    const { job, bytes } = this.build(name, args, now, marker);
    const runAt = delay === undefined ? undefined : now + delay;
    const pipe = this.redis.pipeline();
    this.registerNames(pipe, [name]);
    queueScript(
      pipe,
      'enqueue-unique-2',
      [runAt === undefined ? queueKey(this.prefix, name) : scheduledKey(this.prefix), marker],
      [bytes, byKey ? bytes : '1', runAt === undefined ? '' : runAt, UNIQUE_TTL_SECONDS, wakeChannel(this.prefix), name],
    );
    const replies = await execOrThrow(pipe);
    const answer = replies[replies.length - 1];
    if (answer !== 'ok') return null;
    return { runAt: runAt ?? now, job };
  }

  private build(name: string, args: JobArgs | null, now: number, unique?: string): { job: Job; bytes: string } {
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
    const bytes = encodeJob(job);
    if (Buffer.byteLength(bytes) > this.maxJobBytes) {
      throw new InvalidArgumentError(
        `job "${name}" is ${Buffer.byteLength(bytes)} bytes encoded; the limit is ${this.maxJobBytes} (maxJobBytes)`,
      );
    }
    return { job, bytes };
  }

  /** SADD known_jobs for names not registered in the last five minutes, in the same round trip. */
  private registerNames(pipe: ReturnType<Redis['pipeline']>, names: string[]): void {
    const now = this.clock.nowMs();
    const due = names.filter((n) => (this.knownUntil.get(n) ?? 0) <= now);
    if (due.length === 0) return;
    pipe.sadd(knownJobsKey(this.prefix), ...due);
    for (const n of due) this.knownUntil.set(n, now + KNOWN_JOBS_REFRESH_MS);
  }
}

function validateDelay(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new InvalidArgumentError(`delay must be a number of seconds >= 0, got ${String(seconds)}`);
  }
  return Math.floor(seconds);
}
