// Prometheus metrics of a whole namespace (`work exporter`), read from Redis
// through the Client by one sampler: queues, the scheduled, retry and dead
// sets, pools and their heartbeats, lock counts, and the durable counters of
// the last minute that has ended. Scrapes read the last sample only.
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Client, JobMetrics, MetricsWindow } from '../engine/client/client.js';
import type { JobSetName, PoolHeartbeat, QueueInfo } from '../engine/client/types.js';
import { LATENCY_S_BOUNDS, RUN_MS_BOUNDS } from '../engine/metrics/buckets.js';
import { sampledGauge, samplerMetrics, type SetGauge } from './gauges.js';
import { Sampler } from './sampler.js';

export const EXPORTER_SAMPLE_INTERVAL_MS = 5000;

export interface ClusterSample {
  queues: QueueInfo[];
  sets: Record<JobSetName, number>;
  pools: PoolHeartbeat[];
  /** Redis's clock when read, epoch seconds (pools' heartbeats are judged on it). */
  now: number;
  lastMinute: MetricsWindow;
  pingMs: number;
}

export interface ClusterMetricsOptions {
  client: Client;
  intervalMs?: number;
  /** Heartbeat age past which a pool counts as stale, seconds (work's reapers call it dead at 15). */
  staleAfterSeconds: number;
  processMetrics?: boolean;
  onSampleError?: (error: unknown) => void;
  onSampleRecovered?: () => void;
}

export interface ClusterMetrics {
  registry: Registry;
  sampler: Sampler<ClusterSample>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Everything a scrape shows, in one pass over Redis (about ten round trips, run side by side). */
export async function readClusterSample(client: Client): Promise<ClusterSample> {
  const [queues, sets, pools, now, lastMinute, pingMs] = await Promise.all([
    client.queues(),
    client.setCounts(),
    client.workerPoolHeartbeats(),
    client.serverTime(),
    client.metrics(60, { ended: true }),
    client.ping(),
  ]);
  return { queues, sets, pools, now, lastMinute, pingMs };
}

export function clusterMetrics(options: ClusterMetricsOptions): ClusterMetrics {
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });
  let failing = false;
  const sampler = new Sampler<ClusterSample>(
    async () => {
      const sample = await readClusterSample(options.client);
      if (failing) options.onSampleRecovered?.();
      failing = false;
      return sample;
    },
    {
      intervalMs: options.intervalMs ?? EXPORTER_SAMPLE_INTERVAL_MS,
      onError: (error) => {
        if (!failing) options.onSampleError?.(error);
        failing = true;
      },
    },
  );
  const latest = () => sampler.latest;
  const queues = () => latest()?.queues ?? [];
  const gauge = <L extends string>(name: string, help: string, labels: readonly L[], fill: (set: SetGauge<L>, sample: ClusterSample) => void) =>
    sampledGauge(registry, name, help, labels, (set) => {
      const sample = latest();
      if (sample) fill(set, sample);
    });

  gauge('work_queue_jobs', 'Jobs waiting in the queue.', ['job_name'], (set) => {
    for (const q of queues()) set({ job_name: q.jobName }, q.count);
  });
  gauge('work_queue_latency_seconds', 'Seconds the oldest waiting job has waited; 0 for an empty queue.', ['job_name'], (set) => {
    for (const q of queues()) set({ job_name: q.jobName }, q.latency);
  });
  gauge('work_queue_paused', '1 when the queue is paused.', ['job_name'], (set) => {
    for (const q of queues()) set({ job_name: q.jobName }, q.paused ? 1 : 0);
  });
  gauge('work_queue_running_jobs', 'The namespace\'s lock count for the job name: its jobs running now, across pools.', ['job_name'], (set) => {
    for (const q of queues()) set({ job_name: q.jobName }, q.running);
  });
  gauge('work_queue_max_concurrency', 'The cap on the job name\'s running jobs across pools; 0 = none.', ['job_name'], (set) => {
    for (const q of queues()) set({ job_name: q.jobName }, q.maxConcurrency);
  });
  gauge('work_set_jobs', 'Jobs in the scheduled, retry and dead sets.', ['set'], (set, sample) => {
    for (const [name, count] of Object.entries(sample.sets)) set({ set: name }, count);
  });

  const ageOf = (pool: PoolHeartbeat, now: number) => Math.max(0, now - pool.heartbeatAt);
  const stale = (pool: PoolHeartbeat, now: number) => now - pool.heartbeatAt > options.staleAfterSeconds;
  gauge('work_pools', 'Worker pools registered in worker_pools, stale ones included.', [], (set, sample) => set({}, sample.pools.length));
  gauge('work_pools_stale', 'Registered pools whose heartbeat is older than the stale age.', [], (set, sample) =>
    set({}, sample.pools.filter((p) => stale(p, sample.now)).length),
  );
  gauge('work_pool_heartbeat_age_seconds', 'Seconds since each registered pool\'s last heartbeat, by Redis\'s clock.', ['pool_id', 'host'], (set, sample) => {
    for (const p of sample.pools) set({ pool_id: p.poolId, host: p.host }, ageOf(p, sample.now));
  });
  gauge('work_pool_concurrency', 'Each registered pool\'s number of workers.', ['pool_id', 'host'], (set, sample) => {
    for (const p of sample.pools) set({ pool_id: p.poolId, host: p.host }, p.concurrency);
  });

  durableGauges(gauge);
  gauge('work_redis_ping_seconds', 'Round trip of the last sampled PING to Redis.', [], (set, sample) => set({}, sample.pingMs / 1000));
  samplerMetrics(registry, 'work_exporter', sampler);

  return { registry, sampler, start: () => sampler.start(), stop: () => sampler.stop() };
}

type GaugeMaker = <L extends string>(name: string, help: string, labels: readonly L[], fill: (set: SetGauge<L>, sample: ClusterSample) => void) => unknown;

/**
 * The durable counters pools write, for the last minute that has ended: run
 * counts, and run-time and wait histograms shaped as Prometheus buckets
 * (cumulative, `le` in seconds, "+Inf" last) so histogram_quantile() reads
 * them. Gauges, not counters: each minute stands alone. Every known queue
 * has its counts, 0 when nothing ran.
 */
function durableGauges(gauge: GaugeMaker): void {
  const byName = (sample: ClusterSample): Map<string, JobMetrics | undefined> => {
    const names = new Map<string, JobMetrics | undefined>(sample.queues.map((q) => [q.jobName, undefined]));
    for (const job of sample.lastMinute.jobs) names.set(job.jobName, job);
    return names;
  };
  const counts: Array<[string, string, (j: JobMetrics) => number]> = [
    ['work_jobs_done_last_minute', 'Runs that finished in the last minute that has ended, succeeded or failed (durable counters, all pools).', (j) => j.done],
    ['work_jobs_failed_last_minute', 'Runs of the last minute that has ended that failed (durable counters, all pools).', (j) => j.failed],
    ['work_jobs_retried_last_minute', 'Runs of the last minute that has ended that were put in retry (durable counters, all pools).', (j) => j.retried],
    ['work_jobs_dead_last_minute', 'Runs of the last minute that has ended that were put in dead (durable counters, all pools).', (j) => j.dead],
  ];
  for (const [name, help, read] of counts) {
    gauge(name, help, ['job_name'], (set, sample) => {
      for (const [jobName, job] of byName(sample)) set({ job_name: jobName }, job ? read(job) : 0);
    });
  }
  const buckets = (set: SetGauge<'job_name' | 'le'>, jobName: string, bounds: readonly number[], counts: readonly number[], scale: number) => {
    let below = 0;
    bounds.forEach((bound, i) => {
      below += counts[i] ?? 0;
      set({ job_name: jobName, le: String(bound / scale) }, below);
    });
    set({ job_name: jobName, le: '+Inf' }, below + (counts[bounds.length] ?? 0));
  };
  const histograms: Array<[string, string, readonly number[], (j: JobMetrics) => readonly number[], number]> = [
    ['work_job_run_seconds_last_minute_bucket', 'whose handler took at most le seconds', RUN_MS_BOUNDS, (j) => j.runBuckets, 1000],
    ['work_job_wait_seconds_last_minute_bucket', 'that started at most le seconds after they were enqueued', LATENCY_S_BOUNDS, (j) => j.latencyBuckets, 1],
  ];
  for (const [name, what, bounds, read, scale] of histograms) {
    gauge(name, `Runs of the last minute that has ended ${what} (durable buckets, all pools).`, ['job_name', 'le'], (set, sample) => {
      for (const j of sample.lastMinute.jobs) buckets(set, j.jobName, bounds, read(j), scale);
    });
  }
}
