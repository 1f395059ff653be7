// A worker pool: register handlers per job name, start, and it runs jobs with
// `concurrency` workers while its background roles keep the cluster healthy.
// This file only composes; each role lives in its own module.
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import { systemClock, type Clock } from '../clock.js';
import { DeadPoolReaper } from './dead-pool-reaper.js';
import { PresenceWatcher } from './presence-watcher.js';
import { Patience } from '../redis/deadline.js';
import { METRICS_TTL } from '../metrics/retention.js';
import { Dispatcher } from './dispatcher.js';
import { InvalidArgumentError, errorMessage } from '../errors.js';
import type { PoolEventMap } from './events.js';
import { Heartbeater } from './heartbeater.js';
import { makeId } from '../codec/ids.js';
import { resolveJobOptions, type JobOptions } from './job-options.js';
import { runJob, type RegisteredJob } from './job-runner.js';
import { knownJobsKey, maxConcurrencyKey, namespacePrefix, presenceChannel, priorityKey, wakeChannel, metricsPrefix } from '../codec/keys.js';
import { composeMiddleware, type Handler, type Middleware } from './middleware.js';
import { Observer } from './observer.js';
import { PeriodicEnqueuer, type PeriodicJob } from './periodic-enqueuer.js';
import { parseCronSpec } from './periodic-schedule.js';
import type { PoolContext } from './pool-context.js';
import { checkNamespaceFits, closeConnection, isCluster, openConnection, type Connection, type RedisInput } from '../redis/connection.js';
import { execOrThrow } from '../redis/pipeline.js';
import { Requeuer } from './requeuer.js';
import { validateJobName } from '../codec/validation.js';
import { prepareTracing } from '../tracing/otel.js';

export interface WorkerPoolOptions {
  /** Redis URL, ioredis options, or a client to share (then it is not closed by stop()). */
  redis?: RedisInput;
  /** gocraft namespace; default "work". */
  namespace?: string;
  /** Jobs run at once by this pool; default 10. */
  concurrency?: number;
  clock?: Clock;
  /** Default 5000 ms (gocraft's; Go reapers call a pool dead after 10 s without a beat). */
  heartbeatIntervalMs?: number;
  /** How often this pool looks for dead pools by their heartbeats; default 5000 ms (+ up to half as jitter). */
  reaperIntervalMs?: number;
  /**
   * How often this pool pulses and checks that the other pools of ours still
   * hold their presence subscription (their process lives); default 1000 ms,
   * 0 = off (this pool is then neither watched nor watching). A pool whose
   * subscription stays missing for 3 s while its pulse stands still is
   * reaped at once (presence.ts).
   */
  presenceIntervalMs?: number;
  /** Heartbeat age after which a pool is dead; default 15000 ms (three missed beats). */
  deadAfterMs?: number;
  /** How often due scheduled and retry jobs are moved to their queues; default 1000 ms. */
  requeuerIntervalMs?: number;
  /** How often worker observations are written; default 1000 ms. */
  observerIntervalMs?: number;
  /** Time zone for periodic specs without TZ=; default the process's zone (as gocraft). */
  timezone?: string;
  /**
   * Durable metrics (processed, failed, retried and dead per job name per
   * minute and hour, run-time and latency histograms), added with each
   * acknowledgement under work-only keys; default true. `work stats` and
   * `Client.metrics()` read them.
   */
  metrics?: boolean;
  /** Where role errors go when nobody listens to 'error'; default console.error. */
  logger?: { error(message: string): void };
}

export interface StopOptions {
  /** How long running jobs may take to finish before they are aborted and requeued; default 30000 ms. */
  graceMs?: number;
  /**
   * How long each Redis step of the stop (returning jobs, acknowledging,
   * deregistering) may wait for Redis; default 5000 ms. A stop never waits
   * longer for a Redis that does not answer.
   */
  redisTimeoutMs?: number;
}

export interface StopReport {
  /** Unfinished jobs given back to their queues after the grace period. */
  requeued: number;
  /**
   * Jobs still listed in this pool's in-progress lists because Redis did not
   * answer in time (unacknowledged results, or jobs that could not be given
   * back). Another pool's reaper rescues them once this pool's heartbeat is
   * old; finished ones then run again.
   */
  leftInProgress: number;
}

interface Registration {
  name: string;
  options: ReturnType<typeof resolveJobOptions>;
  handler: Handler;
}

type State = 'new' | 'starting' | 'running' | 'stopping' | 'stopped';

export class WorkerPool extends EventEmitter<PoolEventMap> {
  readonly id = makeId();
  readonly prefix: string;
  readonly concurrency: number;
  private readonly options: WorkerPoolOptions;
  private readonly registrations = new Map<string, Registration>();
  private readonly middleware: Middleware[] = [];
  private readonly periodicJobs: PeriodicJob[] = [];
  private readonly workerIds: string[];
  private state: State = 'new';
  private stopping: Promise<StopReport> | undefined;
  private connection: Connection | undefined;
  private subscriber: Redis | undefined;
  private dispatcher: Dispatcher | undefined;
  private roles: Array<{ stop(): Promise<unknown> }> = [];
  private observer: Observer | undefined;
  private heartbeater: Heartbeater | undefined;
  private presence: PresenceWatcher | undefined;
  /** Since when the main connection has been up without a break (ms), for the presence watcher. */
  private connectedSinceMs = 0;

  constructor(options: WorkerPoolOptions = {}) {
    // An async listener that rejects would otherwise be an unhandled rejection,
    // which ends a Node process: route it to report() like a throwing one.
    super({ captureRejections: true });
    this.options = options;
    this.prefix = namespacePrefix(options.namespace ?? 'work');
    this.concurrency = options.concurrency ?? 10;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) {
      throw new InvalidArgumentError(`concurrency must be a positive integer, got ${options.concurrency}`);
    }
    this.workerIds = Array.from({ length: this.concurrency }, () => makeId());
  }

  /**
   * Register the handler (and options) for a job name. `Args` types the
   * handler's `job.args`, e.g. `pool.job<{ to: string }>('send_email', …)`:
   * a declaration, not a check (args come from Redis, possibly from Go).
   */
  job<Args = Record<string, unknown>>(name: string, handler: Handler<Args>): this;
  job<Args = Record<string, unknown>>(name: string, options: JobOptions, handler: Handler<Args>): this;
  job<Args = Record<string, unknown>>(name: string, optionsOrHandler: JobOptions | Handler<Args>, maybeHandler?: Handler<Args>): this {
    this.assertNotStarted('register jobs');
    validateJobName(name);
    // Args only types what the handler reads; every handler receives a JobContext.
    const handler = (typeof optionsOrHandler === 'function' ? optionsOrHandler : maybeHandler) as Handler | undefined;
    const options = typeof optionsOrHandler === 'function' ? {} : optionsOrHandler;
    if (typeof handler !== 'function') throw new InvalidArgumentError(`job "${name}": the handler must be a function`);
    if (this.registrations.has(name)) throw new InvalidArgumentError(`job "${name}" is registered twice`);
    this.registrations.set(name, { name, options: resolveJobOptions(name, options), handler });
    return this;
  }

  /** Add a middleware; they run in the order added, around every handler. */
  use(middleware: Middleware): this {
    this.assertNotStarted('add middleware');
    if (typeof middleware !== 'function') throw new InvalidArgumentError('middleware must be a function (job, next) => …');
    this.middleware.push(middleware);
    return this;
  }

  /** Enqueue `jobName` on a cron schedule (6 fields with seconds, or standard 5 fields). */
  periodic(spec: string, jobName: string): this {
    this.assertNotStarted('add periodic jobs');
    validateJobName(jobName);
    parseCronSpec(spec, { timezone: this.options.timezone });
    this.periodicJobs.push({ name: jobName, spec });
    return this;
  }

  get jobNames(): string[] {
    return [...this.registrations.keys()];
  }

  get running(): boolean {
    return this.state === 'running';
  }

  /** Number of jobs running right now. */
  get busy(): number {
    return this.dispatcher?.busy ?? 0;
  }

  /** Start the pool; resolves with the running pool once it is registered and fetching. */
  async start(): Promise<this> {
    this.assertNotStarted('start');
    if (this.registrations.size === 0) throw new InvalidArgumentError('no jobs registered: call pool.job(name, handler) first');
    for (const { name } of this.periodicJobs) {
      if (!this.registrations.has(name)) {
        throw new InvalidArgumentError(`periodic job "${name}" has no handler registered in this pool`);
      }
    }
    this.state = 'starting';
    const tracingReady = prepareTracing(); // while Redis is set up, not on the first job
    const connection = openConnection(this.options.redis);
    this.connection = connection;
    try {
      checkNamespaceFits(connection.redis, this.prefix);
    } catch (error) {
      this.state = 'new';
      await closeConnection(connection);
      throw error;
    }
    const { redis } = connection;
    const ctx: PoolContext = {
      redis,
      prefix: this.prefix,
      poolId: this.id,
      clock: this.options.clock ?? systemClock,
      report: (op, error) => this.report(op, error),
    };
    // A monotonic clock: a wall-clock step must not make the connection look older.
    this.connectedSinceMs = performance.now();
    this.watchConnection(redis, 'redis', () => {
      this.connectedSinceMs = performance.now();
      this.presence?.reconnected();
      this.dispatcher?.reconnected();
    });
    const names = this.jobNames;

    await this.writeSettings(redis);

    const observer = new Observer(ctx, this.workerIds, this.options.observerIntervalMs ?? 1000);
    const jobs = new Map<string, RegisteredJob>();
    for (const { name, options, handler } of this.registrations.values()) {
      jobs.set(name, { options, run: composeMiddleware(this.middleware, handler) });
    }
    const emit: RunnerEmit = (event, ...args) => this.emitSafely(event, ...args);
    const runnerDeps = {
      redis,
      prefix: this.prefix,
      poolId: this.id,
      clock: ctx.clock,
      observer,
      jobs,
      emit,
      listening: (event: keyof PoolEventMap) => this.listenerCount(event) > 0,
    };
    const dispatcher = new Dispatcher(
      ctx,
      [...this.registrations.values()].map(({ name, options }) => ({ name, priority: options.priority })),
      this.workerIds,
      (fetched) => runJob(runnerDeps, fetched),
      this.options.metrics === false ? undefined : { prefix: metricsPrefix(this.prefix), ...METRICS_TTL },
    );

    // Wake-ups arrive on a connection of their own (a subscribed client can do
    // nothing else). The same connection holds the pool's presence channel,
    // which Redis drops the moment this process dies (see presence.ts).
    const subscriber = redis.duplicate();
    this.subscriber = subscriber;
    this.watchConnection(subscriber, 'subscriber');
    const wake = wakeChannel(this.prefix);
    subscriber.on('message', (channel) => {
      if (channel === wake) dispatcher.wake();
    });
    await subscriber.subscribe(wake, presenceChannel(this.prefix, this.id));

    // Registered only once subscribed: a pool listed in the presence hash
    // without its subscription would be taken for dead by the others.
    const heartbeater = new Heartbeater(
      ctx,
      { jobNames: names, concurrency: this.concurrency, workerIds: this.workerIds },
      this.options.heartbeatIntervalMs ?? 5000,
      (at) => this.emitSafely('heartbeat', { poolId: this.id, at }),
      async () => {
        this.report('heartbeat', new Error('this pool was missing from worker_pools (Redis lost its data?): its settings were written again'));
        await this.writeSettings(redis);
      },
    );
    await heartbeater.start();

    const requeuer = new Requeuer(ctx, this.options.requeuerIntervalMs ?? 1000);
    const onReaped = (deadPoolId: string, requeued: number) => this.emitSafely('pool:reaped', { poolId: this.id, deadPoolId, requeued });
    const reaper = new DeadPoolReaper(ctx, {
      intervalMs: this.options.reaperIntervalMs ?? 5000,
      deadAfterMs: this.options.deadAfterMs ?? 15_000,
      ownJobNames: names,
      canJudge: () => heartbeater.steady(),
      onReaped,
    });
    // PUBSUB NUMSUB counts the subscribers of one cluster node only: on a
    // cluster, pools would take each other for dead. The heartbeat rule alone
    // finds dead pools there.
    const presenceMs = isCluster(redis) ? 0 : (this.options.presenceIntervalMs ?? 1000);
    const presence =
      presenceMs > 0
        ? new PresenceWatcher(ctx, { intervalMs: presenceMs, connectedForMs: () => performance.now() - this.connectedSinceMs, onReaped })
        : undefined;
    const periodic = new PeriodicEnqueuer(ctx, this.periodicJobs, this.options.timezone);
    observer.start();
    requeuer.start();
    reaper.start();
    presence?.start();
    periodic.start();
    this.roles = [requeuer, reaper, ...(presence ? [presence] : []), periodic];
    this.presence = presence;
    this.observer = observer;
    this.heartbeater = heartbeater;
    this.dispatcher = dispatcher;
    await tracingReady;
    this.state = 'running';
    dispatcher.start();
    return this;
  }

  /** Per name concurrency caps and priorities, and the names in known_jobs, as gocraft's pool writes them at start. */
  private async writeSettings(redis: Redis): Promise<void> {
    const setup = redis.pipeline();
    for (const { name, options } of this.registrations.values()) {
      setup.set(maxConcurrencyKey(this.prefix, name), options.maxConcurrency);
      setup.set(priorityKey(this.prefix, name), options.priority);
    }
    setup.sadd(knownJobsKey(this.prefix), ...this.jobNames);
    await execOrThrow(setup);
  }

  /** Resolves when the queues this pool serves are empty and no job is running. */
  async drain(): Promise<void> {
    if (!this.dispatcher || this.state !== 'running') throw new InvalidArgumentError('the pool is not running');
    await this.dispatcher.drain();
  }

  /**
   * Stop taking jobs, let running ones finish within the grace period, then
   * abort and requeue the rest, and deregister the pool. Nothing is lost.
   */
  async stop(options: StopOptions = {}): Promise<StopReport> {
    // A second call (SIGINT, then SIGTERM) waits for the stop under way.
    if (this.stopping && this.state === 'stopping') return this.stopping;
    if (this.state !== 'running') {
      if (this.state === 'new' || this.state === 'stopped') return { requeued: 0, leftInProgress: 0 };
      throw new InvalidArgumentError(`cannot stop a pool that is ${this.state}`);
    }
    this.state = 'stopping';
    this.stopping = this.shutDown(options.graceMs ?? 30_000, options.redisTimeoutMs ?? 5000);
    return this.stopping;
  }

  private async shutDown(graceMs: number, redisTimeoutMs: number): Promise<StopReport> {
    // Each Redis step waits at most redisTimeoutMs, and none once one ran out:
    // Redis is away, and the connections are dropped instead of closed politely.
    const patience = new Patience(redisTimeoutMs);
    const { returned, leftInProgress } = await this.dispatcher!.stop(graceMs, patience);
    const step = (op: string, work: Promise<unknown>) =>
      patience.wait(work.catch((error) => (patience.ranOut ? undefined : this.report(op, error))));
    await step('roles.stop', Promise.all(this.roles.map((role) => role.stop())));
    await step('observer.stop', this.observer!.stop());
    await step('heartbeat.stop', this.heartbeater!.stop());
    if (!patience.ranOut) {
      // A subscriber that already lost its connection has nothing to close politely.
      await patience.wait(this.subscriber?.quit().catch(() => this.subscriber?.disconnect()) ?? Promise.resolve());
      if (this.connection) await step('redis.quit', closeConnection(this.connection));
    }
    if (patience.ranOut) {
      this.subscriber?.disconnect();
      if (this.connection?.owned) this.connection.redis.disconnect();
    }
    this.state = 'stopped';
    return { requeued: returned, leftInProgress };
  }

  /**
   * ioredis reconnects by itself; report the first error of each outage (not
   * every retry), and say when the connection is back.
   */
  private watchConnection(redis: Redis, name: string, onReconnect?: () => void): void {
    let down = false;
    let closed = false;
    redis.on('error', (error) => {
      if (down) return;
      down = true;
      this.report(`${name} connection`, error);
    });
    redis.on('close', () => {
      closed = true;
    });
    redis.on('ready', () => {
      if (closed) {
        closed = false;
        onReconnect?.();
      }
      if (!down) return;
      down = false;
      this.report(`${name} connection`, new Error('reconnected'));
    });
  }

  /** Called by EventEmitter (captureRejections) when an async listener rejects. */
  override [EventEmitter.captureRejectionSymbol](error: unknown, event: unknown, ..._args: unknown[]): void {
    if (event === 'error') {
      // Reporting it through 'error' again could loop.
      (this.options.logger ?? console).error(`work: listener for error: ${errorMessage(error)}`);
      return;
    }
    this.report(`listener for ${String(event)}`, error);
  }

  private assertNotStarted(action: string): void {
    if (this.state !== 'new') throw new InvalidArgumentError(`cannot ${action}: the pool was already started`);
  }

  private report(op: string, error: unknown): void {
    // Commands still waiting when a stop gave up on Redis fail as the
    // connection is dropped; the stop's report already says what was left.
    if (this.state === 'stopped') return;
    if (this.listenerCount('error') > 0) {
      this.emit('error', { op, error });
      return;
    }
    const log = this.options.logger ?? console;
    log.error(`work: ${op}: ${errorMessage(error)}`);
  }

  /** A throwing event listener must not break job processing. */
  private emitSafely<K extends keyof PoolEventMap>(event: K, ...args: PoolEventMap[K]): void {
    if (event === 'error') {
      const { op, error } = args[0] as PoolEventMap['error'][0];
      this.report(op, error);
      return;
    }
    try {
      (this.emit as (e: K, ...a: PoolEventMap[K]) => boolean)(event, ...args);
    } catch (error) {
      this.report(`listener for ${String(event)}`, error);
    }
  }
}

type RunnerEmit = <K extends keyof PoolEventMap>(event: K, ...args: PoolEventMap[K]) => void;
