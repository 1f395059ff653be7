// Prometheus metrics of one worker pool (`work worker --metrics-port`): what
// it ran, from the pool's own events, and what it waits on, sampled through
// the Client every few seconds (never per scrape). The engine knows nothing
// of Prometheus: the pool emits events and this module listens.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Client } from '../engine/client/client.js';
import type { QueueInfo } from '../engine/client/types.js';
import { RUN_MS_BOUNDS } from '../engine/metrics/buckets.js';
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

  const processed = new Counter({
    name: 'work_worker_jobs_processed_total',
    help: 'Runs this pool finished, succeeded or failed, by job name.',
    labelNames: ['job_name'] as const,
    registers,
  });
  const failed = new Counter({
    name: 'work_worker_jobs_failed_total',
    help: 'Runs this pool finished with a failure, by job name and what happened next (retry, dead, discard).',
    labelNames: ['job_name', 'fate'] as const,
    registers,
  });
  const runSeconds = new Histogram({
    name: 'work_worker_job_run_seconds',
    help: 'Handler run time of this pool\'s runs, by job name (the buckets of the durable metrics).',
    labelNames: ['job_name'] as const,
    buckets: [...RUN_SECONDS_BUCKETS],
    registers,
  });
  // Known names start at zero, so rates exist before the first run.
  for (const name of pool.jobNames) {
    processed.labels(name).inc(0);
    runSeconds.zero({ job_name: name });
    for (const fate of ['retry', 'dead', 'discard']) failed.labels(name, fate).inc(0);
  }
  pool.on('job:completed', ({ job, durationMs }) => {
    processed.labels(job.name).inc();
    runSeconds.labels(job.name).observe(durationMs / 1000);
  });
  pool.on('job:failed', ({ job, fate, durationMs }) => {
    processed.labels(job.name).inc();
    failed.labels(job.name, fate).inc();
    runSeconds.labels(job.name).observe(durationMs / 1000);
  });

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
