// A pool's Prometheus endpoint, in process: counters and the run-time
// histogram follow the pool's events, sampled gauges follow Redis at the
// sampler's pace (not the scrapes'), and label values from Redis are escaped.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client } from '../../src/engine/client/client.js';
import { Enqueuer } from '../../src/engine/enqueuer/enqueuer.js';
import { RUN_MS_BOUNDS } from '../../src/engine/metrics/buckets.js';
import { WorkerPool } from '../../src/engine/pool/worker-pool.js';
import { serveMetrics, type MetricsServer } from '../../src/metrics/http.js';
import { poolMetrics, type PoolMetrics } from '../../src/metrics/pool-metrics.js';
import { scrape } from '../support/prom-text.js';
import { testRedis, type TestRedis } from '../support/redis.js';
import { deferred, waitFor } from '../support/wait.js';

let t: TestRedis;
let stops: Array<() => Promise<unknown>>;
beforeEach(async () => {
  t = await testRedis('prom');
  stops = [];
});
afterEach(async () => {
  for (const stop of stops.reverse()) await stop();
  await t.cleanup();
});

const WEIRD = 'we"ird\\name';

async function servedPool(options: { sampleIntervalMs: number }): Promise<{ pool: WorkerPool; metrics: PoolMetrics; server: MetricsServer; release: () => void }> {
  const gate = deferred();
  const pool = new WorkerPool({ redis: t.connect(), namespace: t.namespace, concurrency: 4 });
  pool
    .job('email', () => {})
    .job('flaky', { maxFails: 2, backoff: () => 0 }, () => {
      throw new Error('no');
    })
    .job('held', () => gate.promise)
    .job(WEIRD, () => {});
  const metrics = poolMetrics({ pool, client: new Client({ redis: t.connect(), namespace: t.namespace }), namespace: t.namespace, sampleIntervalMs: options.sampleIntervalMs, processMetrics: false });
  await metrics.start();
  const server = await serveMetrics(metrics.registry, { host: '127.0.0.1', port: 0 });
  await pool.start();
  stops.push(() => metrics.stop(), () => server.close(), () => pool.stop({ graceMs: 0 }));
  return { pool, metrics, server, release: () => gate.resolve() };
}

describe('work_worker_* metrics', () => {
  it('count runs and failures by name and fate, time them in the durable buckets, and show in-flight jobs', async () => {
    const { server, release } = await servedPool({ sampleIntervalMs: 60_000 });
    const before = await scrape(server.url);
    expect(before.types.get('work_worker_jobs_processed_total')).toBe('counter');
    expect(before.types.get('work_worker_job_run_seconds')).toBe('histogram');
    // Every name starts at zero, the Redis-made one escaped and read back intact.
    for (const name of ['email', 'flaky', 'held', WEIRD]) expect(before.value('work_worker_jobs_processed_total', { job_name: name })).toBe(0);
    const bounds = before.find('work_worker_job_run_seconds_bucket', { job_name: 'email' }).map((s) => s.labels.le);
    expect(bounds).toEqual([...RUN_MS_BOUNDS.map((ms) => String(ms / 1000)), '+Inf']);

    const enqueuer = new Enqueuer({ redis: t.redis, namespace: t.namespace });
    await enqueuer.enqueueBulk([
      ...Array.from({ length: 5 }, () => ({ name: 'email' })),
      ...Array.from({ length: 3 }, () => ({ name: 'flaky' })),
      { name: WEIRD },
      { name: 'held' },
      { name: 'held' },
    ]);
    // Each flaky job fails twice: once into retry, then into dead.
    const after = await waitFor(async () => {
      const s = await scrape(server.url);
      return s.value('work_worker_jobs_failed_total', { job_name: 'flaky', fate: 'dead' }) === 3 && s.value('work_worker_jobs_in_flight') === 2 ? s : undefined;
    });
    expect(after.value('work_worker_jobs_processed_total', { job_name: 'email' })).toBe(5);
    expect(after.value('work_worker_jobs_processed_total', { job_name: WEIRD })).toBe(1);
    expect(after.value('work_worker_jobs_processed_total', { job_name: 'flaky' })).toBe(6);
    expect(after.value('work_worker_jobs_failed_total', { job_name: 'flaky', fate: 'retry' })).toBe(3);
    expect(after.value('work_worker_jobs_failed_total', { job_name: 'email', fate: 'retry' })).toBe(0);
    expect(after.value('work_worker_job_run_seconds_count', { job_name: 'email' })).toBe(5);
    expect(after.value('work_worker_job_run_seconds_bucket', { job_name: 'email', le: '+Inf' })).toBe(5);
    expect(after.value('work_worker_concurrency')).toBe(4);

    release();
    const done = await waitFor(async () => {
      const s = await scrape(server.url);
      return s.value('work_worker_jobs_processed_total', { job_name: 'held' }) === 2 ? s : undefined;
    });
    expect(done.value('work_worker_jobs_in_flight')).toBe(0);
  });

  it('sample queues and Redis at the sampler\'s pace, whatever the scrapes; heartbeat age from the pool\'s beats', async () => {
    const { server } = await servedPool({ sampleIntervalMs: 200 });
    const client = new Client({ redis: t.redis, namespace: t.namespace });
    await client.pauseQueue('email');
    await new Enqueuer({ redis: t.redis, namespace: t.namespace }).enqueueBulk(Array.from({ length: 7 }, () => ({ name: 'email' })));
    const sampled = await waitFor(async () => {
      const s = await scrape(server.url);
      return s.value('work_worker_queue_jobs', { job_name: 'email' }) === 7 ? s : undefined;
    });
    expect(sampled.value('work_worker_queue_jobs', { job_name: 'flaky' })).toBe(0);
    expect(sampled.value('work_worker_queue_latency_seconds', { job_name: 'email' })).toBeGreaterThanOrEqual(0);
    expect(sampled.value('work_worker_redis_ping_seconds')).toBeGreaterThan(0);
    expect(sampled.value('work_worker_redis_up')).toBe(1);
    const age = sampled.value('work_worker_heartbeat_age_seconds');
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(6); // one heartbeat interval, plus slack

    // 60 scrapes at once and in a row: Redis is still read once per interval.
    const samplesBefore = sampled.value('work_worker_samples_total');
    const started = performance.now();
    for (let round = 0; round < 3; round++) await Promise.all(Array.from({ length: 20 }, () => scrape(server.url)));
    const last = await scrape(server.url);
    const elapsed = performance.now() - started;
    expect(last.value('work_worker_samples_total') - samplesBefore).toBeLessThanOrEqual(Math.ceil(elapsed / 200) + 1);
  });

  it('answer /metrics only, to GET and HEAD', async () => {
    const { server } = await servedPool({ sampleIntervalMs: 60_000 });
    expect((await fetch(server.url.replace('/metrics', '/nope'))).status).toBe(404);
    expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
    const head = await fetch(server.url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });
});
