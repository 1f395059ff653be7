// The pool's engine room: one loop that, in a single round trip, acknowledges
// every job finished since the last trip and fetches as many new jobs as there
// are free workers. gocraft spends a round trip per fetch and per completion
// and sleeps up to 5 s when idle; here an idle pool is woken by a message the
// moment a queue gets work, and polls slowly only for producers that do not
// send one (gocraft's Go enqueuers).
import {
  deadKey,
  failedCountKey,
  inProgressKey,
  lockInfoKey,
  lockKey,
  maxConcurrencyKey,
  pausedKey,
  processedCountKey,
  queueKey,
  rescuesKey,
  retryKey,
  wakeChannel,
} from '../codec/keys.js';
import { epochSeconds } from '../clock.js';
import { deadLetterBytes } from '../codec/dead-letter.js';
import { errorMessage, JobRequeuedError } from '../errors.js';
import { LazyAbort } from './lazy-abort.js';
import type { Patience } from '../redis/deadline.js';
import { MetricsTally } from '../metrics/tally.js';
import { execOrThrow } from '../redis/pipeline.js';
import type { PoolContext } from './pool-context.js';
import { bytesKey, fromReplies, type RedisBytes } from '../codec/redis-bytes.js';
import { send } from '../redis/script-call.js';
import { ackJobsCall, type Ack, type AckFixedKeys, type AckMetrics, type NameKeys } from '../redis/calls/ack-jobs.js';
import { fetchJobsCall, fetchKeys, nextDrawPosition } from '../redis/calls/fetch-jobs.js';
import { returnJobsCall } from '../redis/calls/return-jobs.js';
import type { FetchedJob, Outcome } from './job-runner.js';
import { shouldStartTrip } from './trip-policy.js';

export interface StopResult {
  /** Jobs given back to their queues because they outran the grace period. */
  returned: number;
  /** Jobs left listed in this pool's in-progress lists: Redis did not answer in time. */
  leftInProgress: number;
}

export interface DispatchType {
  name: string;
  priority: number;
}

interface Running extends FetchedJob {
  /** Given back to the queue at a forced stop: its late result is ignored. */
  returned: boolean;
}

/** Idle polling steps (ms) for queues filled by producers that send no wake-up. */
const IDLE_POLL_MS = [10, 50, 100, 250, 500, 1000];
const ERROR_RETRY_MS = [50, 200, 500, 1000, 2000];

export class Dispatcher {
  private readonly fetchKeys: string[];
  /** Made once per name: the keys every acknowledgement of it needs. */
  private readonly ackKeys = new Map<string, NameKeys>();
  private readonly ackFixedKeys: AckFixedKeys;
  /** The fetch script's per-type priorities, as sent: the script draws the order itself. */
  private readonly priorityArgs: string[];
  /** Where this pool's walk through its priorities stands (fetch-jobs-var.lua); random at first, so pools do not walk in step. */
  private drawPosition = Math.random();
  private readonly freeWorkers: string[];
  private readonly concurrency: number;
  private kickScheduled = false;
  private readonly running = new Set<Running>();
  /** Timed-out handlers that have not returned yet (see FetchedJob.lingering). */
  private lingering = 0;
  private pendingAcks: Ack[] = [];
  /** Round trips under way, and the worker slots their fetches may fill. */
  private inFlight = 0;
  private reserved = 0;
  /** The last fetch came back short: fetch again only when something changes. */
  private idle = false;
  /** Counts wake-ups, so a trip can tell one arrived while it was on the wire. */
  private wakes = 0;
  /**
   * A fetch may have moved jobs into our in-progress lists that we never
   * heard of (it failed without a reply, or the connection dropped and the
   * request was re-sent). They would wait there until this pool died;
   * reconcile() gives them back.
   */
  private unsure = false;
  private stopping = false;
  private stopped = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private idleStep = 0;
  private errorStep = 0;
  private drainWaiters: Array<() => void> = [];
  private tripWaiters: Array<() => void> = [];
  /** Durable-metric counts of acknowledged runs not sent yet; undefined when the pool keeps none. */
  private readonly tally: MetricsTally | undefined;
  /** Acknowledgements sent in a trip whose reply has not come back. */
  private acksInFlight = 0;
  private settledWaiters: Array<() => void> = [];

  constructor(
    private readonly ctx: PoolContext,
    private readonly types: readonly DispatchType[],
    workerIds: readonly string[],
    private readonly run: (job: FetchedJob) => Promise<Outcome>,
    /** Where acknowledgements add the durable metrics; undefined keeps none. */
    private readonly metrics?: AckMetrics,
  ) {
    this.tally = metrics ? new MetricsTally() : undefined;
    const { prefix, poolId } = ctx;
    this.fetchKeys = fetchKeys(
      rescuesKey(prefix),
      types.map(({ name, priority }) => ({
        queue: queueKey(prefix, name),
        inProgress: inProgressKey(prefix, name, poolId),
        paused: pausedKey(prefix, name),
        lock: lockKey(prefix, name),
        lockInfo: lockInfoKey(prefix, name),
        maxConcurrency: maxConcurrencyKey(prefix, name),
        priority,
      })),
    );
    this.ackFixedKeys = [retryKey(prefix), deadKey(prefix), processedCountKey(prefix), failedCountKey(prefix), rescuesKey(prefix)];
    this.priorityArgs = types.map((t) => String(t.priority));
    this.freeWorkers = [...workerIds].reverse();
    this.concurrency = workerIds.length;
  }

  /** Handlers running now, counting those that outlived their timeout and still hold a worker. */
  get busy(): number {
    return this.running.size + this.lingering;
  }

  start(): void {
    this.kick();
  }

  /** Something changed (a job finished, a queue got work): run a trip soon. */
  kick(): void {
    if (this.stopped) return;
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
    this.idle = false;
    this.pump();
  }

  /**
   * The connection came back. ioredis re-sends commands whose replies were
   * lost, so a fetch may have run twice and only one answer reached us:
   * check our in-progress lists before fetching more.
   */
  reconnected(): void {
    this.unsure = true;
    this.kick();
  }

  /** A wake-up message: a queue went from empty to non-empty. */
  wake(): void {
    this.idleStep = 0;
    this.wakes++;
    this.kick();
  }

  /** Resolves once a fetch finds nothing to do and no job is running. */
  drain(): Promise<void> {
    return new Promise((resolve) => {
      this.drainWaiters.push(resolve);
      this.kick();
    });
  }

  /**
   * Stop fetching; wait up to graceMs for running jobs, then abort the rest and
   * give them back to their queues, and acknowledge everything that finished.
   * Redis steps wait only as `patience` allows, so a stop ends whatever Redis
   * does; what could not be returned or acknowledged in time stays listed in
   * this pool's in-progress lists, for a reaper to rescue.
   */
  async stop(graceMs: number, patience: Patience): Promise<StopResult> {
    this.stopping = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    // A fetch in flight may still hand us jobs: they get the same grace as the rest.
    await patience.wait(this.tripsSettled());
    await this.waitForRunning(graceMs);
    const leftovers = [...this.running].filter((r) => !r.returned);
    let returned = 0;
    let notReturned = 0;
    if (leftovers.length > 0) {
      for (const job of leftovers) {
        job.returned = true;
        job.controller.abort(new JobRequeuedError());
      }
      // `running` holds jobs in fetch order, oldest first; pushed newest first,
      // the oldest ends at the consuming end and runs first again.
      const reply = await patience.wait(this.returnJobs(leftovers.reverse()).catch(this.failedStep('stop.return')));
      if (reply.done && reply.value !== undefined) returned = reply.value;
      else notReturned = leftovers.length;
    }
    await patience.wait(this.flushAcks().catch(this.failedStep('stop.acknowledge')));
    this.stopped = true;
    return { returned, leftInProgress: notReturned + this.pendingAcks.length + this.acksInFlight };
  }

  private failedStep(op: string): (error: unknown) => undefined {
    return (error) => {
      this.ctx.report(op, error);
      return undefined;
    };
  }

  private waitForRunning(graceMs: number): Promise<void> {
    if (this.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, graceMs);
      this.settledWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private async returnJobs(jobs: ReadonlyArray<{ bytes: RedisBytes; queueName: string }>): Promise<number> {
    const { prefix, poolId, redis } = this.ctx;
    const returned = jobs.map(({ bytes, queueName: name }) => ({
      bytes,
      inProgress: inProgressKey(prefix, name, poolId),
      queue: queueKey(prefix, name),
      lock: lockKey(prefix, name),
      lockInfo: lockInfoKey(prefix, name),
    }));
    return send(redis, returnJobsCall(returned, poolId, wakeChannel(prefix)));
  }

  /** Resolves when no round trip is under way. */
  private tripsSettled(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.tripWaiters.push(resolve));
  }

  private tripStarted(): void {
    this.inFlight++;
  }

  private tripEnded(): void {
    this.inFlight--;
    if (this.inFlight === 0) for (const resolve of this.tripWaiters.splice(0)) resolve();
  }

  private async flushAcks(): Promise<void> {
    while (this.pendingAcks.length > 0 || this.inFlight > 0 || this.tally?.pending) {
      if (this.inFlight > 0) {
        await this.tripsSettled();
        continue;
      }
      this.tripStarted();
      try {
        await this.trip(0);
      } finally {
        this.tripEnded();
      }
    }
  }

  /**
   * Start round trips while there is something to send, up to two at once:
   * while one is on the wire the other's jobs run, so neither Redis nor this
   * process waits for the other. Fetches ask only for slots no trip under way
   * may fill, so a pool never takes more jobs than it has workers.
   */
  private pump(): void {
    if (this.unsure) {
      // Alone on the wire, so no fetch reply can be missing from what we compare.
      if (this.inFlight === 0 && !this.stopped) void this.reconcile();
      return;
    }
    for (;;) {
      const want = this.stopping || this.idle ? 0 : this.freeWorkers.length - this.reserved;
      const state = { inFlight: this.inFlight, want, pendingAcks: this.pendingAcks.length, concurrency: this.concurrency, stopping: this.stopping };
      if (!shouldStartTrip(state)) return;
      void this.tripOnce(Math.max(0, want));
    }
  }

  /** Give back in-progress jobs of ours that are neither running nor waiting to be acknowledged. */
  private async reconcile(): Promise<void> {
    this.tripStarted();
    const { prefix, poolId, redis } = this.ctx;
    try {
      const pipe = redis.pipeline();
      for (const { name } of this.types) pipe.lrangeBuffer(inProgressKey(prefix, name, poolId), 0, -1);
      const lists = ((await execOrThrow(pipe)) as Buffer[][]).map(fromReplies);
      // Bytes we account for, as a multiset: the same job bytes can be listed twice.
      const known = new Map<string, number>();
      const count = (key: string) => known.set(key, (known.get(key) ?? 0) + 1);
      for (const job of this.running) if (!job.returned) count(`${job.queueName}\n${bytesKey(job.bytes)}`);
      for (const ack of this.pendingAcks) count(`${ack.name}\n${bytesKey(ack.bytes)}`);
      const strays: Array<{ bytes: RedisBytes; queueName: string }> = [];
      this.types.forEach(({ name }, i) => {
        for (const bytes of lists[i] ?? []) {
          const key = `${name}\n${bytesKey(bytes)}`;
          const left = known.get(key) ?? 0;
          if (left > 0) known.set(key, left - 1);
          else strays.push({ bytes, queueName: name });
        }
      });
      if (strays.length > 0) {
        const returned = await this.returnJobs(strays);
        this.ctx.report('reconcile', new Error(`gave back ${returned} job(s) fetched by a request whose reply was lost`));
      }
      this.unsure = false;
    } catch (error) {
      this.ctx.report('reconcile', error);
      this.idle = true;
      this.scheduleRetry(ERROR_RETRY_MS, () => this.errorStep++);
    } finally {
      this.tripEnded();
    }
    if (!this.unsure) this.pump();
  }

  private async tripOnce(want: number): Promise<void> {
    this.tripStarted();
    this.reserved += want;
    const wakesBefore = this.wakes;
    let fetched: number;
    try {
      fetched = await this.trip(want);
      this.errorStep = 0;
    } catch (error) {
      this.tripEnded();
      this.reserved -= want;
      if (want > 0) this.unsure = true;
      this.ctx.report('fetch', error);
      this.idle = true;
      this.scheduleRetry(ERROR_RETRY_MS, () => this.errorStep++);
      return;
    }
    this.tripEnded();
    this.reserved -= want;
    // A wake-up that came while this fetch was on the wire may announce a job
    // the fetch did not see: ask again at once rather than going idle.
    if (want > 0 && fetched < want && this.wakes === wakesBefore) {
      // Queues are empty, paused or capped for now: wait for a wake-up, a
      // finished job or the idle poll instead of asking again at once.
      this.idle = true;
      if (this.running.size === 0 && this.pendingAcks.length === 0 && this.inFlight === 0) this.resolveDrain();
      this.scheduleRetry(IDLE_POLL_MS, () => this.idleStep++);
    } else if (fetched > 0) {
      this.idleStep = 0;
    }
    this.pump();
  }

  private scheduleRetry(steps: readonly number[], next: () => number): void {
    if (this.stopping || this.idleTimer) return;
    const delay = steps[Math.min(next(), steps.length - 1)]!;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      this.kick();
    }, delay);
  }

  /**
   * One round trip: acknowledge finished jobs and fetch up to `want` new ones.
   * Two commands written back to back on one connection, not a pipeline: Redis
   * runs them in order either way, and an ioredis pipeline object (it copies a
   * method per defined script) was most of the garbage of a trip at low load.
   */
  private async trip(want: number): Promise<number> {
    const acks = this.pendingAcks;
    this.pendingAcks = [];
    const { redis, poolId } = this.ctx;
    this.acksInFlight += acks.length;
    // Metric counts ride with an acknowledgement once a second, and with the last one of a stop.
    const counts = this.metrics ? this.tally?.take(this.ctx.clock.nowMs(), this.stopping) : undefined;
    const metrics = this.metrics && counts ? { config: this.metrics, counts } : undefined;
    const acked = acks.length > 0 || metrics ? settle(send(redis, ackJobsCall(acks, this.ackFixedKeys, this.ackKeysOf, poolId, metrics))) : undefined;
    const position = this.drawPosition;
    if (want > 0) this.drawPosition = nextDrawPosition(position, want);
    const fetched = want > 0 ? settle(send(redis, fetchJobsCall(this.fetchKeys, this.priorityArgs, poolId, want, position))) : undefined;
    const ackResult = await acked;
    this.acksInFlight -= acks.length;
    const fetchResult = await fetched;
    if (ackResult && !ackResult.ok) {
      // Acknowledging twice is harmless (LREM finds nothing the second time).
      this.pendingAcks = acks.concat(this.pendingAcks);
      if (counts) this.tally?.giveBack(counts);
      throw ackResult.error;
    }
    if (!fetchResult) return 0;
    if (!fetchResult.ok) throw fetchResult.error;
    // Bytes as popped: a job that is not UTF-8 must be acknowledged by its own bytes (redis-bytes.ts).
    for (const { type, bytes, rescues } of fetchResult.value) this.begin(bytes, this.types[type]!.name, rescues);
    return fetchResult.value.length;
  }

  /** Made once per name, on first use: the keys every acknowledgement of it needs. */
  private readonly ackKeysOf = (name: string): NameKeys => {
    let keys = this.ackKeys.get(name);
    if (!keys) {
      const { prefix, poolId } = this.ctx;
      keys = [inProgressKey(prefix, name, poolId), lockKey(prefix, name), lockInfoKey(prefix, name)];
      this.ackKeys.set(name, keys);
    }
    return keys;
  };

  private begin(bytes: RedisBytes, queueName: string, rescues: number): void {
    const workerId = this.freeWorkers.pop();
    if (workerId === undefined) throw new Error('fetched more jobs than free workers');
    const job: Running = { bytes, queueName, workerId, rescues, controller: new LazyAbort(), returned: false };
    this.running.add(job);
    void this.run(job).then(
      (outcome) => this.finish(job, outcome),
      // run() is written never to reject; should it, report it, release the
      // worker and lock, and file the job in dead rather than count it done.
      (error) => {
        this.ctx.report('job', error);
        const now = epochSeconds(this.ctx.clock);
        const reason = `internal error while running the job: ${errorMessage(error)}`;
        this.finish(job, { kind: 'dead', score: now, bytes: deadLetterBytes(job.bytes, job.queueName, reason, now) });
      },
    );
  }

  private finish(job: Running, outcome: Outcome): void {
    this.running.delete(job);
    if (job.lingering) {
      // Timed out, acknowledged below, but its handler runs on: the slot is free when it returns.
      this.lingering++;
      void job.lingering.then(() => {
        this.lingering--;
        this.freeWorkers.push(job.workerId);
        this.kick();
      });
    } else {
      this.freeWorkers.push(job.workerId);
    }
    if (!job.returned) {
      this.pendingAcks.push({ bytes: job.bytes, name: job.queueName, outcome });
      this.tally?.add(job.queueName, { outcome: outcome.kind, runMs: job.runMs ?? 0, waitedSeconds: job.waitedSeconds });
    }
    if (this.running.size === 0) {
      for (const settle of this.settledWaiters.splice(0)) settle();
    }
    this.kickSoon();
  }

  /**
   * kick(), once the jobs finishing in this turn of the event loop have all
   * finished: the first of a batch to finish would otherwise send a trip for
   * its one slot at once, and trips would alternate between one job and the
   * rest (see trip-policy.ts on what a small trip costs).
   */
  private kickSoon(): void {
    if (this.kickScheduled) return;
    this.kickScheduled = true;
    setImmediate(() => {
      this.kickScheduled = false;
      this.kick();
    });
  }

  private resolveDrain(): void {
    for (const resolve of this.drainWaiters.splice(0)) resolve();
  }
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** A promise that never rejects, so two replies can be awaited in turn without an unhandled rejection. */
function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
}
