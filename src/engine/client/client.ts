// The single door through which the console and the CLI inspect and repair a
// cluster (gocraft's Client, spec 14). The pure mapping lives in
// client/mapping.ts, the set lookups in client/job-sets.ts, the batched
// walk in client/sweep.ts and the bulk moves and deletes of a whole set in
// client/bulk.ts; this file only composes them.
//
// Where it differs from gocraft, on purpose:
// - Jobs are found by id alone (the score is an optional hint), and a page or
//   a lookup never fails on one undecodable member or heartbeat.
// - retryDeadJob / retryAllDeadJobs requeue a job whatever its name, and add
//   the name to known_jobs; gocraft sends names missing from known_jobs back
//   to dead with score now+5 and reports ErrNotRetried.
// - retryAllDeadJobs walks the whole dead set in short batches and never stops
//   early (spec 16.1.7); deleteAllDeadJobs UNLINKs instead of DEL.
// - deleteScheduledJob removes the unique marker named by the job's
//   unique_key when it has one (gocraft recomputes it, spec 16.1.4).
import type { Redis } from 'ioredis';
import { epochSeconds, systemClock, type Clock } from '../clock.js';
import { execOrThrow as run } from '../redis/pipeline.js';
import { errorMessage, InvalidArgumentError, NotDeletedError, NotRetriedError } from '../errors.js';
import { readMetrics, type MetricsWindow } from './metrics.js';
import type { DoctorFacts } from './doctor.js';
import { clearFailure, uniqueKeyMapFromRawArgs, type Job } from '../codec/job.js';
import {
  deadKey,
  failedCountKey,
  heartbeatKey,
  inProgressKey,
  isUniqueKeyOf,
  knownJobsKey,
  lockInfoKey,
  lockKey,
  maxConcurrencyKey,
  priorityKey,
  namespacePrefix,
  observationKey,
  pausedKey,
  processedCountKey,
  purgingKey,
  queueKey,
  retryKey,
  scheduledKey,
  uniqueKey,
  wakeChannel,
  workerPoolsKey,
} from '../codec/keys.js';
import { closeConnection, openNamespaceConnection, type Connection, type RedisInput } from '../redis/connection.js';
import { moveMembersToQueues } from '../redis/move-to-queues.js';
import { fromReply, textOf, type RedisBytes } from '../codec/redis-bytes.js';
import { validateJobName } from '../codec/validation.js';
import { findById, readFilteredPage, readPage, removeEach, streamSet, type Match } from './job-sets.js';
import { findInList } from './locate.js';
import { makeId } from '../codec/ids.js';
import { deleteQueuedJobCall, purgeQueueCall, type QueuedDeletion } from '../redis/calls/queue-tools.js';
import { send } from '../redis/script-call.js';
import {
  heartbeatFromHash,
  infoFields,
  observationFromHash,
  parseGoInt,
  queueInfo,
  serverInfoFromText,
  sortNames,
} from './mapping.js';
import { jobOfMember } from '../codec/job-peek.js';
import { checkBatchSize } from './sweep.js';
import { deleteAll, moveAllToQueues, setKey, type BulkContext, type BulkTally, type DeleteAllResult, type MoveAllResult } from './bulk.js';
import { searchSet, type JobQuery, type SearchOptions, type SearchProgress } from './search.js';
import { readInProgressJob, readQueuePage, type QueuePage } from './queue-page.js';
import { runNow } from './run-now.js';
import { readMetricMinutes, type MetricMinutes } from './metric-minutes.js';
import type {
  BulkOptions,
  FindOptions,
  FoundJob,
  JobEntry,
  JobPage,
  LocatedJob,
  PurgeResult,
  StreamOptions,
  JobSetName,
  JobStats,
  ServerInfo,
  PageOptions,
  PoolHeartbeat,
  QueueInfo,
  WorkerObservation,
} from './types.js';

export type * from './types.js';
export type { MetricsWindow } from './metrics.js';
export type { JobMetrics, Percentiles } from '../metrics/summary.js';
export type { JobQuery, SearchOptions, SearchProgress } from './search.js';
export type { QueuedEntry, QueuePage } from './queue-page.js';
export type { QueuedDeletion } from '../redis/calls/queue-tools.js';
export type { MetricMinutes, MinuteMetrics } from './metric-minutes.js';
export type { DoctorFacts, Finding, FindingLevel } from './doctor.js';
export { diagnose } from './doctor.js';
export { PAGE_SIZE } from './mapping.js';

export interface ClientOptions {
  /** Redis URL, ioredis options, or a client to share (then close() leaves it open). */
  redis?: RedisInput;
  /** gocraft namespace; default "work". */
  namespace?: string;
  clock?: Clock;
}

export type { MoveAllResult, DeleteAllResult, BulkTally } from './bulk.js';

/** retryAllDeadJobs' result: `retried` is exactly what moved; retried + left + changed = total (bulk.ts). */
export interface RetryAllResult extends BulkTally {
  /** Dead jobs moved to their queues by this call: exactly what moved. */
  retried: number;
}

/** Purged jobs read per step while their uniqueness markers are released. */
const PURGE_BATCH = 1000;

/** Of several members with one id (rare), the one that died, failed or was scheduled last. */
const latest = (matches: readonly Match[]): Match | undefined =>
  matches.reduce<Match | undefined>((best, m) => (best === undefined || m.score > best.score ? m : best), undefined);

export class Client {
  readonly prefix: string;
  private readonly connection: Connection;
  private readonly clock: Clock;

  constructor(options: ClientOptions = {}) {
    this.prefix = namespacePrefix(options.namespace ?? 'work');
    this.connection = openNamespaceConnection(options.redis, this.prefix);
    this.clock = options.clock ?? systemClock;
  }

  /** Private: callers act through the methods, never on Redis directly. */
  private get redis(): Redis {
    return this.connection.redis;
  }

  /**
   * Every queue named in known_jobs, sorted by name. Two round trips:
   * SMEMBERS, then one pipeline of five reads per name. With `jobNames`,
   * only those queues, in one round trip.
   */
  async queues(options: { jobNames?: readonly string[] } = {}): Promise<QueueInfo[]> {
    const p = this.prefix;
    const names = sortNames(options.jobNames ?? (await this.redis.smembers(knownJobsKey(p))));
    if (names.length === 0) return [];
    const pipe = this.redis.pipeline();
    for (const name of names) {
      pipe
        .llen(queueKey(p, name))
        .lindex(queueKey(p, name), -1) // the oldest job, next to be taken
        .exists(pausedKey(p, name))
        .get(lockKey(p, name))
        .get(maxConcurrencyKey(p, name))
        .get(priorityKey(p, name));
    }
    const replies = await run(pipe);
    const now = epochSeconds(this.clock);
    return names.map((name, i) => {
      const [length, oldest, pausedExists, lock, maxConcurrency, priority] = replies.slice(i * 6, i * 6 + 6);
      return queueInfo(
        name,
        {
          length: Number(length),
          oldest: oldest as string | null,
          pausedExists: Number(pausedExists),
          lock: lock as string | null,
          maxConcurrency: maxConcurrency as string | null,
          priority: priority as string | null,
        },
        now,
      );
    });
  }

  /**
   * Every pool in worker_pools, sorted by id, dead ones included. A pool
   * whose hash is missing or holds an unparsable number is still listed, with
   * zeros and `invalid` set (gocraft fails the whole call).
   */
  async workerPoolHeartbeats(): Promise<PoolHeartbeat[]> {
    const ids = sortNames(await this.redis.smembers(workerPoolsKey(this.prefix)));
    if (ids.length === 0) return [];
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.hgetall(heartbeatKey(this.prefix, id));
    const hashes = (await run(pipe)) as Array<Record<string, string>>;
    return ids.map((id, i) => heartbeatFromHash(id, hashes[i] ?? {}));
  }

  /** One observation per worker id the heartbeats list, in gocraft's order (pool id, then worker id). */
  async workerObservations(): Promise<WorkerObservation[]> {
    return (await this.poolsAndObservations()).observations;
  }

  /** Heartbeats and observations from one read of the heartbeats (three round trips in all). */
  async poolsAndObservations(): Promise<{ pools: PoolHeartbeat[]; observations: WorkerObservation[] }> {
    const pools = await this.workerPoolHeartbeats();
    const workers = pools.flatMap((h) => h.workerIds.map((workerId) => ({ workerId, poolId: h.poolId })));
    if (workers.length === 0) return { pools, observations: [] };
    const pipe = this.redis.pipeline();
    for (const { workerId } of workers) pipe.hgetall(observationKey(this.prefix, workerId));
    const hashes = (await run(pipe)) as Array<Record<string, string>>;
    return { pools, observations: workers.map(({ workerId, poolId }, i) => observationFromHash(workerId, poolId, hashes[i] ?? {})) };
  }

  /** 20 scheduled jobs per 1-based page, soonest first; score = run at. */
  scheduledJobs(page = 1, options: PageOptions = {}): Promise<JobPage> {
    return this.page(scheduledKey(this.prefix), page, options);
  }

  /** 20 jobs waiting to be retried per page; score = retry at. */
  retryJobs(page = 1, options: PageOptions = {}): Promise<JobPage> {
    return this.page(retryKey(this.prefix), page, options);
  }

  /** 20 dead jobs per page, oldest death first; score = died at. */
  deadJobs(page = 1, options: PageOptions = {}): Promise<JobPage> {
    return this.page(deadKey(this.prefix), page, options);
  }

  /** Look a job up by id in scheduled, then retry, then dead. */
  async findJob(id: string, options: FindOptions = {}): Promise<FoundJob | undefined> {
    for (const set of ['scheduled', 'retry', 'dead'] as const) {
      const match = latest(await findById(this.redis, this.setKey(set), id, options.score));
      if (match) return { set, score: match.score, job: match.job, raw: match.raw };
    }
    return undefined;
  }

  /**
   * Every member of a set in ascending score order, streamed in bounded
   * batches (memory stays flat for millions of jobs). Undecodable members
   * are yielded flagged, as on a page.
   */
  streamJobs(set: JobSetName, options: StreamOptions = {}): AsyncGenerator<JobEntry> {
    if (options.batchSize !== undefined) checkBatchSize(options.batchSize);
    return streamSet(this.redis, this.setKey(set), options);
  }

  /**
   * Every member of a set that matches the query (name, error text, any
   * text), found slice by slice: each step is one short script call that
   * sends back only likely matches, and yields how far the search got.
   */
  searchJobs(set: JobSetName, query: JobQuery, options: SearchOptions = {}): AsyncGenerator<SearchProgress> {
    if (options.batchSize !== undefined) checkBatchSize(options.batchSize);
    return searchSet(this.redis, this.setKey(set), query, options);
  }

  /** 20 jobs of a queue per 1-based page, next to be taken first, and the queue's length: one round trip. */
  queueJobs(jobName: string, page = 1): Promise<QueuePage> {
    // Reads only: any name known_jobs lists is fine, a Go one with ':' included.
    return readQueuePage(this.redis, this.prefix, jobName, page);
  }

  /** The job a pool is running, from its in-progress list for that name (undefined once it is gone). */
  inProgressJob(poolId: string, jobName: string, id: string): Promise<(Job & { raw: string }) | undefined> {
    return readInProgressJob(this.redis, this.prefix, poolId, jobName, id);
  }

  /**
   * Move a scheduled job, or one waiting to be retried, onto its queue now
   * (fails and error kept), as the requeuer does when it is due. Throws
   * NotRetriedError when nothing moved.
   */
  async runJobNow(set: Exclude<JobSetName, 'dead'>, id: string, options: FindOptions = {}): Promise<void> {
    await runNow({ redis: this.redis, prefix: this.prefix, clock: this.clock }, this.setKey(set), set, id, options.score);
  }

  /**
   * Every place a job with this id is: waiting in a queue of a known name,
   * in the in-progress list of a registered pool, or in the scheduled, retry
   * or dead set. Queues are searched slice by slice inside Redis, so a long
   * queue costs many short calls, never one long one. Usually one place; more
   * when the same job was enqueued twice or is being rescued.
   */
  async locateJob(id: string, options: { signal?: AbortSignal } = {}): Promise<LocatedJob[]> {
    const p = this.prefix;
    const found: LocatedJob[] = [];
    const [names, pools] = await Promise.all([this.redis.smembers(knownJobsKey(p)), this.workerPoolHeartbeats()]);
    for (const name of sortNames(names)) {
      const queue = queueKey(p, name);
      const matches = await findInList(this.redis, queue, id, options.signal);
      if (matches.length === 0) continue;
      const length = await this.redis.llen(queue);
      for (const m of matches) found.push({ where: 'queued', jobName: name, ahead: Math.max(0, length - 1 - m.index), member: m.member, job: m.job, raw: m.raw });
    }
    for (const pool of pools) {
      for (const name of pool.jobNames) {
        for (const m of await findInList(this.redis, inProgressKey(p, name, pool.poolId), id, options.signal)) {
          found.push({ where: 'in-progress', jobName: name, poolId: pool.poolId, job: m.job, raw: m.raw });
        }
      }
    }
    for (const set of ['scheduled', 'retry', 'dead'] as const) {
      for (const m of await findById(this.redis, this.setKey(set), id)) found.push({ where: set, score: m.score, job: m.job, raw: m.raw });
    }
    return found;
  }

  /**
   * Empty one queue at once: pools and producers see it empty from that
   * moment; then the uniqueness markers of the purged jobs are released (in
   * short batches) and the jobs freed in the background. Returns exactly how
   * many jobs were in the queue.
   */
  async purgeQueue(jobName: string): Promise<PurgeResult> {
    validateJobName(jobName);
    const p = this.prefix;
    const purging = purgingKey(p, jobName, makeId());
    const purged = await send(this.redis, purgeQueueCall(queueKey(p, jobName), purging));
    let markersReleased = 0;
    for (let start = 0; start < purged; start += PURGE_BATCH) {
      const slice = (await this.redis.lrangeBuffer(purging, start, start + PURGE_BATCH - 1)).map((b) => textOf(fromReply(b)));
      const markers = new Set<string>();
      for (const raw of slice) {
        if (!/unique/i.test(raw)) continue; // most jobs are not unique: skip decoding them
        const job = jobOfMember(raw);
        if (job?.unique && job.name === jobName) markers.add(this.markerKey({ job, raw }));
      }
      if (markers.size > 0) markersReleased += await this.redis.del(...markers);
    }
    await this.redis.unlink(purging);
    return { purged, markersReleased };
  }

  /**
   * Delete one job waiting in a queue: one element of exactly the bytes read
   * (`member` of a queue page or of locateJob), with LREM count 1, so a
   * job with the same id but other bytes is never touched. A unique job
   * frees its marker in the same step. `deleted` is false when it was no
   * longer in the queue (a pool took it, or someone removed it). A job in
   * progress cannot be deleted: it is not in its queue but running.
   */
  async deleteQueuedJob(jobName: string, member: RedisBytes): Promise<QueuedDeletion> {
    if (typeof jobName !== 'string' || jobName === '') throw new InvalidArgumentError('deleteQueuedJob needs the name of the queue');
    const raw = textOf(member);
    const job = jobOfMember(raw);
    // Only a marker of this job: a unique job of this queue's name.
    const marker = job?.unique && job.name === jobName ? this.markerKey({ job, raw }) : undefined;
    return send(this.redis, deleteQueuedJobCall(queueKey(this.prefix, jobName), member, marker));
  }

  /** Remove a dead job (every member with that id). Throws NotDeletedError if none was removed. */
  async deleteDeadJob(id: string, options: FindOptions = {}): Promise<void> {
    await this.deleteFrom('dead', id, options);
  }

  async deleteRetryJob(id: string, options: FindOptions = {}): Promise<void> {
    await this.deleteFrom('retry', id, options);
  }

  /**
   * Remove a scheduled job; a unique one also frees its marker, so the same
   * job can be enqueued again. The marker is the job's unique_key when it
   * names a key of this namespace, else the key recomputed from the raw args.
   */
  async deleteScheduledJob(id: string, options: FindOptions = {}): Promise<void> {
    const removed = await this.deleteFrom('scheduled', id, options);
    const markers = new Set(removed.filter((m) => m.job.unique).map((m) => this.markerKey(m)));
    if (markers.size > 0) await this.redis.del(...markers);
  }

  /**
   * Put a dead job back on its queue with fails/err/failed_at removed and
   * t = now. Any name is requeued, and registered in known_jobs. If several
   * members share the id, only the latest is moved (moving all would run it
   * more than once). Throws NotRetriedError when nothing was moved. A member
   * that is not UTF-8 is retried as Go would read it (U+FFFD for each bad
   * sequence): the operator asked for it to run.
   */
  async retryDeadJob(id: string, options: FindOptions = {}): Promise<void> {
    const match = latest(await findById(this.redis, deadKey(this.prefix), id, options.score));
    if (!match) throw new NotRetriedError(`nothing retried: no dead job with id ${JSON.stringify(id)}`);
    if (match.job.name === '') throw new NotRetriedError(`nothing retried: dead job ${JSON.stringify(id)} has no name`);
    const moved = await moveMembersToQueues(
      { redis: this.redis, prefix: this.prefix },
      deadKey(this.prefix),
      [match.member],
      epochSeconds(this.clock),
      { rewrite: clearFailure, readBadBytesAsText: true },
    );
    if (moved === 0) {
      const left = (await this.redis.zscore(deadKey(this.prefix), match.member)) !== null;
      const why = left ? `its queue key ${queueKey(this.prefix, match.job.name)} holds another type` : 'it was taken meanwhile';
      throw new NotRetriedError(`nothing retried: dead job ${JSON.stringify(id)} was not moved: ${why}`);
    }
  }

  /**
   * Requeue the dead set as it was when the call started (optionally only
   * the jobs a query picks), in batches of one short script call each, with
   * fails/err/failed_at removed (client/bulk.ts). Any name is requeued, and
   * registered in known_jobs. `retried` counts exactly what moved.
   */
  async retryAllDeadJobs(options: BulkOptions = {}): Promise<RetryAllResult> {
    const { moved, ...tally } = await moveAllToQueues(this.bulkContext(), 'dead', options);
    return { retried: moved, ...tally };
  }

  /**
   * Move the retry or scheduled set's jobs (optionally only those a query
   * picks) onto their queues now, ahead of their time, fails and error kept,
   * as the requeuer moves them when due; in batches, as retryAllDeadJobs.
   * `moved` counts exactly what moved.
   */
  runAllJobsNow(set: Exclude<JobSetName, 'dead'>, options: BulkOptions = {}): Promise<MoveAllResult> {
    return moveAllToQueues(this.bulkContext(), set, options);
  }

  /**
   * Without a query: UNLINK the dead set (freed in the background; a DEL of
   * a million members would block Redis). With one: ZREM its matches, as
   * the set was when the call started, in batches, which can be aborted
   * between batches.
   */
  deleteAllDeadJobs(options: BulkOptions = {}): Promise<DeleteAllResult> {
    return deleteAll(this.bulkContext(), 'dead', options);
  }

  /**
   * Delete the members of any set (optionally only those a query picks) in
   * batches, as deleteAllDeadJobs does; a scheduled unique job also frees
   * its uniqueness marker.
   */
  deleteAllJobs(set: JobSetName, options: BulkOptions = {}): Promise<DeleteAllResult> {
    return deleteAll(this.bulkContext(), set, options);
  }

  /** Workers stop taking jobs of this name (running ones finish). Any pool, Go or ours, honours it. */
  async pauseQueue(jobName: string): Promise<void> {
    validateJobName(jobName);
    await this.redis.set(pausedKey(this.prefix, jobName), '1');
  }

  /** Resume a queue and wake idle pools of ours so they fetch at once. */
  async unpauseQueue(jobName: string): Promise<void> {
    validateJobName(jobName);
    await run(this.redis.pipeline().del(pausedKey(this.prefix, jobName)).publish(wakeChannel(this.prefix), jobName));
  }

  /** Processed and failed counts per job name, from work's own counters (gocraft keeps none). */
  async stats(): Promise<JobStats[]> {
    const [processed, failed] = (await run(
      this.redis.pipeline().hgetall(processedCountKey(this.prefix)).hgetall(failedCountKey(this.prefix)),
    )) as Array<Record<string, string>>;
    const names = sortNames(new Set([...Object.keys(processed ?? {}), ...Object.keys(failed ?? {})]));
    return names.map((jobName) => ({
      jobName,
      processed: parseGoInt(processed?.[jobName]) ?? 0,
      failed: parseGoInt(failed?.[jobName]) ?? 0,
    }));
  }

  /** Sizes of the scheduled, retry and dead sets, in one round trip. */
  async setCounts(): Promise<Record<JobSetName, number>> {
    const [scheduled, retry, dead] = (await run(
      this.redis.pipeline().zcard(scheduledKey(this.prefix)).zcard(retryKey(this.prefix)).zcard(deadKey(this.prefix)),
    )) as number[];
    return { scheduled: scheduled ?? 0, retry: retry ?? 0, dead: dead ?? 0 };
  }

  /**
   * The durable metrics of the last `seconds` (default 15 minutes, at most 30
   * days) per job name: runs, failures, rates, run-time and latency
   * percentiles. Pools write them with their acknowledgements. `ended`:
   * the window ends with the last whole minute (hour) that has ended, whose
   * counts no longer change.
   */
  async metrics(seconds = 900, options: { ended?: boolean } = {}): Promise<MetricsWindow> {
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 30 * 86_400) {
      throw new InvalidArgumentError(`the metrics window must be from 1 s to 30 days, got ${seconds} s`);
    }
    return readMetrics(this.redis, this.prefix, seconds, options.ended);
  }

  /** One PING's round trip, in milliseconds. */
  async ping(): Promise<number> {
    const started = performance.now();
    await this.redis.ping();
    return performance.now() - started;
  }

  /** The durable metrics of the last `minutes` (1 to 1440), minute by minute and as a whole, for sparklines. */
  async metricMinutes(minutes = 60): Promise<MetricMinutes> {
    if (!Number.isSafeInteger(minutes) || minutes < 1 || minutes > 1440) throw new InvalidArgumentError(`minutes must be from 1 to 1440, got ${minutes}`);
    return readMetricMinutes(this.redis, this.prefix, minutes);
  }

  /** Redis's clock, epoch seconds: the one work pools stamp their heartbeats with. */
  async serverTime(): Promise<number> {
    const [seconds] = await this.redis.time();
    return Number(seconds);
  }

  /** The Redis server's version, memory use and client count (for the console). */
  async serverInfo(): Promise<ServerInfo> {
    return serverInfoFromText(await this.redis.info());
  }

  /**
   * Everything `work doctor` judges (client/doctor.ts): server facts from
   * INFO, Redis's clock against this host's, a probe of each kind of command
   * the engine sends (as this connection's user), the pools' heartbeats and
   * each queue's lock against its pools' shares. Reads only, plus one
   * short-lived probe key in the namespace.
   */
  async doctorFacts(deadAfterSeconds = 15): Promise<DoctorFacts> {
    const p = this.prefix;
    const probes = new Map<string, string | undefined>();
    const probe = async (name: string, send: () => Promise<unknown>) => {
      try {
        await send();
        probes.set(name, undefined);
      } catch (error) {
        probes.set(name, errorMessage(error));
      }
    };
    let infoText = '';
    await probe('INFO', async () => {
      infoText = await this.redis.info();
    });
    const before = Date.now();
    let redisNowMs = before;
    await probe('TIME', async () => {
      const [seconds, micros] = await this.redis.time();
      redisNowMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    });
    const localNowMs = Math.round((before + Date.now()) / 2);
    const probeKey = `${p}doctor:probe`;
    await probe('SET/DEL', () => run(this.redis.multi().set(probeKey, '1', 'PX', 5000).del(probeKey)));
    await probe('EVAL', () => this.redis.eval('return 1', 0));
    await probe('PUBLISH', () => this.redis.publish(wakeChannel(p), 'doctor'));
    await probe('PUBSUB NUMSUB', () => this.redis.call('PUBSUB', 'NUMSUB', wakeChannel(p)));
    const pools = await this.workerPoolHeartbeats();
    const names = sortNames(await this.redis.smembers(knownJobsKey(p)));
    const pipe = this.redis.pipeline();
    for (const name of names) pipe.get(lockKey(p, name)).hvals(lockInfoKey(p, name));
    const replies = names.length > 0 ? await run(pipe) : [];
    const locks = names.map((jobName, i) => ({
      jobName,
      lock: parseGoInt((replies[i * 2] as string | null) ?? undefined) ?? 0,
      shares: ((replies[i * 2 + 1] as string[]) ?? []).reduce((sum, v) => sum + Math.max(0, parseGoInt(v) ?? 0), 0),
    }));
    return { info: infoFields(infoText), redisNowMs, localNowMs, probes, pools, locks, deadAfterSeconds };
  }

  /** Close the connection if the client opened it. */
  async close(): Promise<void> {
    await closeConnection(this.connection);
  }

  private setKey(set: JobSetName): string {
    return setKey(this.prefix, set);
  }

  private page(key: string, page: number, { jobName }: PageOptions): Promise<JobPage> {
    if (jobName === undefined) return readPage(this.redis, key, page);
    return readFilteredPage(this.redis, key, page, jobName);
  }

  private async deleteFrom(set: JobSetName, id: string, options: FindOptions): Promise<Match[]> {
    const key = this.setKey(set);
    const removed = await removeEach(this.redis, key, await findById(this.redis, key, id, options.score));
    if (removed.length === 0) throw new NotDeletedError(`nothing deleted: no ${set} job with id ${JSON.stringify(id)}`);
    return removed;
  }

  private markerKey({ job, raw }: Pick<Match, 'job' | 'raw'>): string {
    // Trust unique_key only when it is a marker of this job in this namespace.
    if (job.uniqueKey !== undefined && isUniqueKeyOf(this.prefix, job.name, job.uniqueKey)) return job.uniqueKey;
    return uniqueKey(this.prefix, job.name, uniqueKeyMapFromRawArgs(raw));
  }

  private bulkContext(): BulkContext {
    return { redis: this.redis, prefix: this.prefix, clock: this.clock, markerKey: (found) => this.markerKey(found) };
  }
}
