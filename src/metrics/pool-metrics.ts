// Prometheus metrics of one worker pool (`work worker --metrics-port`): what
// it ran, from the pool's own events, and what it waits on, sampled through
// the Client every few seconds (never per scrape). The engine knows nothing
// of Prometheus: the pool emits events and this module listens.
import { collectDefaultMetrics, Counter, Gauge, Registry, type Metric } from 'prom-client';
import type { Client } from '../engine/client/client.js';
import type { QueueInfo } from '../engine/client/types.js';
import { RUN_MS_BOUNDS } from '../engine/metrics/buckets.js';
import { NameCounts } from '../engine/metrics/job-counts.js';
import type { WorkerPool } from '../engine/pool/worker-pool.js';
import { sampledGauge, samplerMetrics } from './gauges.js';
import { Sampler } from './sampler.js';

/** The run-time buckets of the durable metrics, in seconds: the two histograms line up. */
export const RUN_SECONDS_BUCKETS: readonly number[] = RUN_MS_BOUNDS.map((ms) => ms / 1000);

/** How often queue depths and Redis's round trip are read, by default. */
export const POOL_SAMPLE_INTERVAL_MS = 5000;

export interface PoolMetricsOptions {
  pool: WorkerPool;
  /** Reads the pool's queues and PINGs Redis; the command owns its connection. */
  client: Client;
  namespace: string;
  sampleIntervalMs?: number;
  /** prom-client's process and Node.js metrics (CPU, memory, event loop lag, GC); default true. */
  processMetrics?: boolean;
  onSampleError?: (error: unknown) => void;
}

interface PoolSample {
  queues: QueueInfo[];
  pingMs: number;
}

export interface PoolMetrics {
  registry: Registry;
  /** Takes the first sample, then keeps sampling. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Subscribes to the pool's events at once: create it before `pool.start()`
 * so the first heartbeat is seen.
 */
export function poolMetrics(options: PoolMetricsOptions): PoolMetrics {
  const { pool, client } = options;
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  // The hot path only adds to plain numbers (prom-client's label hashing per
  // event cost more than the rest of a no-op job's bookkeeping); scrapes
  // turn them into Prometheus series.
  const runs = new Map<string, NameCounts>();
  const countsOf = (name: string): NameCounts => {
    let counts = runs.get(name);
    if (!counts) {
      counts = new NameCounts();
      runs.set(name, counts);
    }
    return counts;
  };
  // Known names start at zero, so rates exist before the first run.
  for (const name of pool.jobNames) countsOf(name);
  pool.on('job:completed', ({ job, durationMs }) => countsOf(job.name).add({ outcome: 'ok', runMs: durationMs, waitedSeconds: undefined }));
  pool.on('job:failed', ({ job, fate, durationMs }) => countsOf(job.name).add({ outcome: fate, runMs: durationMs, waitedSeconds: undefined }));

  new Counter({
    name: 'work_worker_jobs_processed_total',
    help: 'Runs this pool finished, succeeded or failed, by job name.',
    labelNames: ['job_name'] as const,
    registers,
    collect() {
      this.reset();
      for (const [name, c] of runs) this.inc({ job_name: name }, c.done);
    },
  });
  new Counter({
    name: 'work_worker_jobs_failed_total',
    help: 'Runs this pool finished with a failure, by job name and what happened next (retry, dead, discard).',
    labelNames: ['job_name', 'fate'] as const,
    registers,
    collect() {
      this.reset();
      for (const [name, c] of runs) {
        this.inc({ job_name: name, fate: 'retry' }, c.retried);
        this.inc({ job_name: name, fate: 'dead' }, c.dead);
        this.inc({ job_name: name, fate: 'discard' }, c.discarded);
      }
    },
  });
  // prom-client's types list only its own metric classes; the registry needs no more than this object has.
  registry.registerMetric(
    new RunHistogram('work_worker_job_run_seconds', 'Handler run time of this pool\'s runs, by job name (the buckets of the durable metrics).', runs) as unknown as Metric,
  );

  let lastBeatMs: number | undefined;
  pool.on('heartbeat', () => {
    lastBeatMs = performance.now();
  });
  new Gauge({
    name: 'work_worker_heartbeat_age_seconds',
    help: 'Seconds since this pool\'s last heartbeat reached Redis (other pools reap it at 15).',
    registers,
    collect() {
      this.set(lastBeatMs === undefined ? Number.NaN : (performance.now() - lastBeatMs) / 1000);
    },
  });
  new Gauge({
    name: 'work_worker_jobs_in_flight',
    help: 'Jobs this pool is running now.',
    registers,
    collect() {
      this.set(pool.busy);
    },
  });
  new Gauge({
    name: 'work_worker_concurrency',
    help: 'Jobs this pool runs at once at most (its workers).',
    registers,
    collect() {
      this.set(pool.concurrency);
    },
  });
  new Gauge({
    name: 'work_worker_info',
    help: 'Always 1: the pool\'s ID and namespace as labels.',
    labelNames: ['pool_id', 'namespace'] as const,
    registers,
  }).set({ pool_id: pool.id, namespace: options.namespace }, 1);

  const intervalMs = options.sampleIntervalMs ?? POOL_SAMPLE_INTERVAL_MS;
  const sampler = new Sampler<PoolSample>(
    async () => {
      const [queues, pingMs] = await Promise.all([client.queues({ jobNames: pool.jobNames }), client.ping()]);
      return { queues, pingMs };
    },
    { intervalMs, ...(options.onSampleError ? { onError: options.onSampleError } : {}) },
  );
  sampledGauge(registry, 'work_worker_queue_jobs', 'Jobs waiting in each queue this pool serves (sampled).', ['job_name'], (set) => {
    for (const q of sampler.latest?.queues ?? []) set({ job_name: q.jobName }, q.count);
  });
  sampledGauge(
    registry,
    'work_worker_queue_latency_seconds',
    'Seconds the oldest waiting job of each queue this pool serves has waited (sampled).',
    ['job_name'],
    (set) => {
      for (const q of sampler.latest?.queues ?? []) set({ job_name: q.jobName }, q.latency);
    },
  );
  sampledGauge(registry, 'work_worker_redis_ping_seconds', 'Round trip of the last sampled PING to Redis.', [], (set) => {
    if (sampler.latest) set({}, sampler.latest.pingMs / 1000);
  });
  samplerMetrics(registry, 'work_worker', sampler);

  return {
    registry,
    start: () => sampler.start(),
    stop: () => sampler.stop(),
  };
}

/**
 * A histogram whose series are read, at scrape time, from the counts the
 * events added to: the text prom-client writes for a Histogram (`_bucket`
 * with `le`, cumulative, then `_sum` and `_count`), without a label hash per
 * run. Registered with registry.registerMetric(), which asks a metric for
 * its name, type and get() only.
 */
class RunHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly runs: ReadonlyMap<string, NameCounts>,
  ) {}

  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: Array<{ metricName: string; labels: Record<string, string | number>; value: number }> }> {
    const { name } = this;
    const values: Array<{ metricName: string; labels: Record<string, string | number>; value: number }> = [];
    for (const [jobName, c] of this.runs) {
      let below = 0;
      RUN_SECONDS_BUCKETS.forEach((le, i) => {
        below += c.run[i]!;
        values.push({ metricName: `${name}_bucket`, labels: { le, job_name: jobName }, value: below });
      });
      values.push({ metricName: `${name}_bucket`, labels: { le: '+Inf', job_name: jobName }, value: c.done });
      values.push({ metricName: `${name}_sum`, labels: { job_name: jobName }, value: c.runMsSum / 1000 });
      values.push({ metricName: `${name}_count`, labels: { job_name: jobName }, value: c.done });
    }
    return { name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}
