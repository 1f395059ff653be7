// The Prometheus endpoints as processes: `work worker --metrics-port` for one
// pool and `work exporter` for the namespace, scraped over HTTP and parsed as
// Prometheus would. The exporter's durable histograms are the sum of what
// two pools counted.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client } from '../../src/engine/client/client.js';
import * as keys from '../../src/engine/codec/keys.js';
import { Enqueuer } from '../../src/engine/enqueuer/enqueuer.js';
import { WorkerPool } from '../../src/engine/pool/worker-pool.js';
import { serveMetrics } from '../../src/metrics/http.js';
import { poolMetrics } from '../../src/metrics/pool-metrics.js';
import { collect, runCli, startCli } from '../support/cli.js';
import { scrape, type Scrape } from '../support/prom-text.js';
import { countsIntoLastMinute } from '../support/last-minute.js';
import { redisUrl, testRedis, type TestRedis } from '../support/redis.js';
import { waitFor } from '../support/wait.js';
import { closedPort } from './closed-port.js';

const dir = mkdtempSync(join(tmpdir(), 'work-metrics-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let t: TestRedis;
beforeEach(async () => {
  t = await testRedis('metrics');
});
afterEach(() => t.cleanup());

const common = () => ['--redis', redisUrl(), '-n', t.namespace];

/** Starts a command that serves metrics; resolves with its URL once it says where. */
async function started(args: string[]): Promise<{ child: ChildProcess; url: string; result: ReturnType<typeof collect> }> {
  const child = startCli(args);
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  const result = collect(child, Date.now(), { timeoutMs: 30_000 });
  const url = await waitFor(() => /metrics.* at (http:\/\/\S+\/metrics)/.exec(stderr)?.[1], { message: `a metrics URL on stderr (${stderr})` });
  return { child, url, result };
}

describe('work worker --metrics-port', () => {
  it('serves the pool\'s counters, histogram and sampled queues; they move with the jobs', async () => {
    const handlers = join(dir, 'handlers.mjs');
    writeFileSync(handlers, `export const jobs = { email: () => {}, flaky: { maxFails: 1, handler: () => { throw new Error('no'); } } };`);
    const { child, url, result } = await started(['worker', handlers, '--metrics-port', '0', ...common()]);
    const first = await scrape(url);
    expect(first.value('work_worker_jobs_processed_total', { job_name: 'email' })).toBe(0);
    expect(first.find('work_worker_info', { namespace: t.namespace })).toHaveLength(1);
    expect(first.types.get('process_cpu_user_seconds_total')).toBe('counter'); // prom-client's process metrics

    const enqueuer = new Enqueuer({ redis: t.redis, namespace: t.namespace });
    await enqueuer.enqueueBulk([{ name: 'email' }, { name: 'email' }, { name: 'email' }, { name: 'flaky' }, { name: 'flaky' }]);
    const moved = await waitFor(async () => {
      const s = await scrape(url);
      return s.value('work_worker_jobs_processed_total', { job_name: 'email' }) === 3 && s.value('work_worker_jobs_failed_total', { job_name: 'flaky', fate: 'dead' }) === 2 ? s : undefined;
    });
    expect(moved.value('work_worker_jobs_processed_total', { job_name: 'flaky' })).toBe(2);
    expect(moved.value('work_worker_job_run_seconds_count', { job_name: 'email' })).toBe(3);

    // Queue depth is sampled every 5 s: a paused queue's jobs show up within one interval.
    await new Client({ redis: t.redis, namespace: t.namespace }).pauseQueue('email');
    await enqueuer.enqueueBulk([{ name: 'email' }, { name: 'email' }]);
    await waitFor(async () => (await scrape(url)).value('work_worker_queue_jobs', { job_name: 'email' }) === 2, { timeoutMs: 8000 });

    child.kill('SIGTERM');
    const { code, stderr } = await result;
    expect(code, stderr).toBe(0);
  }, 30_000);

  it('refuses a bad port, a host without a port, and stops at once when the port is taken', async () => {
    const handlers = join(dir, 'ok.mjs');
    writeFileSync(handlers, 'export const jobs = { a() {} };');
    const bad = await runCli(['worker', handlers, '--metrics-port', '70000', ...common()]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--metrics-port must be a port number');
    expect((await runCli(['worker', handlers, '--metrics-host', '0.0.0.0', ...common()])).stderr).toContain('--metrics-host needs --metrics-port');

    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      const busy = await runCli(['worker', handlers, '--metrics-port', String(port), ...common()]);
      expect(busy.code).toBe(1);
      expect(busy.stderr).toContain(`cannot serve metrics on 127.0.0.1:${port}`);
      // It never registered: no pool took a job.
      expect(await t.redis.scard(keys.workerPoolsKey(t.prefix))).toBe(0);
    } finally {
      taken.close();
    }
  });
});

describe('work exporter', () => {
  it('serves queues, sets, pools and the durable counters of the last minute, merged across pools', async () => {
    // Two pools run the same job name, one fast and one slow (over 25 ms).
    const pools: Array<{ pool: WorkerPool; url: string; stop: () => Promise<void> }> = [];
    for (const delay of [0, 30]) {
      const pool = new WorkerPool({ redis: t.connect(), namespace: t.namespace, concurrency: 2 });
      pool.job('resize', () => (delay ? new Promise((r) => setTimeout(r, delay)) : undefined));
      const metrics = poolMetrics({ pool, client: new Client({ redis: t.connect(), namespace: t.namespace }), namespace: t.namespace, sampleIntervalMs: 60_000, processMetrics: false });
      await metrics.start();
      const server = await serveMetrics(metrics.registry, { host: '127.0.0.1', port: 0 });
      await pool.start();
      pools.push({ pool, url: server.url, stop: async () => void (await Promise.all([metrics.stop(), server.close()])) });
    }
    const enqueuer = new Enqueuer({ redis: t.redis, namespace: t.namespace });
    await enqueuer.enqueueBulk(Array.from({ length: 40 }, () => ({ name: 'resize' })));
    await waitFor(async () => {
      const counts = await Promise.all(pools.map(async (p) => (await scrape(p.url)).value('work_worker_jobs_processed_total', { job_name: 'resize' })));
      return counts[0]! + counts[1]! === 40;
    });
    const perPool = await Promise.all(pools.map((p) => scrape(p.url)));
    const poolSum = (le: string) => perPool.reduce((sum, s) => sum + s.value('work_worker_job_run_seconds_bucket', { job_name: 'resize', le }), 0);
    const fast = perPool[0]!.value('work_worker_jobs_processed_total', { job_name: 'resize' });
    for (const p of pools) await p.pool.stop(); // sends the last counts
    for (const p of pools) await p.stop();

    // The rest of the namespace: a paused queue with jobs, scheduled jobs, a pool that stopped beating.
    const client = new Client({ redis: t.redis, namespace: t.namespace });
    await client.pauseQueue('email');
    await enqueuer.enqueueBulk([{ name: 'email' }, { name: 'email' }, { name: 'email' }]);
    await enqueuer.enqueueIn('report', 3600, {});
    await enqueuer.enqueueIn('report', 7200, {});
    const now = await client.serverTime();
    await t.redis
      .multi()
      .sadd(keys.workerPoolsKey(t.prefix), 'gone1')
      .hset(keys.heartbeatKey(t.prefix, 'gone1'), { heartbeat_at: now - 60, started_at: now - 600, job_names: 'email', concurrency: 3, worker_ids: 'w1,w2,w3', host: 'box "a"', pid: 7 })
      .exec();
    await countsIntoLastMinute(t);

    const { child, url, result } = await started(['exporter', '--port', '0', '--interval', '0.2', ...common()]);
    const s: Scrape = await scrape(url);
    expect(s.value('work_queue_jobs', { job_name: 'email' })).toBe(3);
    expect(s.value('work_queue_paused', { job_name: 'email' })).toBe(1);
    expect(s.value('work_queue_paused', { job_name: 'resize' })).toBe(0);
    expect(s.value('work_queue_latency_seconds', { job_name: 'email' })).toBeGreaterThanOrEqual(0);
    expect(s.value('work_queue_running_jobs', { job_name: 'resize' })).toBe(0);
    expect(s.value('work_set_jobs', { set: 'scheduled' })).toBe(2);
    expect(s.value('work_set_jobs', { set: 'dead' })).toBe(0);
    expect(s.value('work_pools')).toBe(1);
    expect(s.value('work_pools_stale')).toBe(1);
    expect(s.value('work_pool_heartbeat_age_seconds', { pool_id: 'gone1', host: 'box "a"' })).toBeGreaterThanOrEqual(60);
    expect(s.value('work_pool_concurrency', { pool_id: 'gone1' })).toBe(3);
    expect(s.value('work_exporter_redis_up')).toBe(1);
    expect(s.value('work_redis_ping_seconds')).toBeGreaterThan(0);

    // The durable counters of both pools, added up; the histogram's buckets are the pools' own.
    expect(s.value('work_jobs_done_last_minute', { job_name: 'resize' })).toBe(40);
    expect(s.value('work_jobs_failed_last_minute', { job_name: 'resize' })).toBe(0);
    expect(s.value('work_jobs_done_last_minute', { job_name: 'email' })).toBe(0);
    const run = s.find('work_job_run_seconds_last_minute_bucket', { job_name: 'resize' });
    expect(run.map((b) => b.labels.le)).toEqual(perPool[0]!.find('work_worker_job_run_seconds_bucket', { job_name: 'resize' }).map((b) => b.labels.le));
    for (let i = 1; i < run.length; i++) expect(run[i]!.value).toBeGreaterThanOrEqual(run[i - 1]!.value); // cumulative
    expect(s.value('work_job_run_seconds_last_minute_bucket', { job_name: 'resize', le: '0.025' })).toBe(fast);
    expect(s.value('work_job_run_seconds_last_minute_bucket', { job_name: 'resize', le: '0.025' })).toBe(poolSum('0.025'));
    expect(s.value('work_job_run_seconds_last_minute_bucket', { job_name: 'resize', le: '+Inf' })).toBe(poolSum('+Inf'));
    expect(s.value('work_job_wait_seconds_last_minute_bucket', { job_name: 'resize', le: '+Inf' })).toBe(40);

    // However many scrapes, Redis is read once per interval.
    const before = s.value('work_exporter_samples_total');
    const t0 = performance.now();
    for (let round = 0; round < 3; round++) await Promise.all(Array.from({ length: 20 }, () => scrape(url)));
    const after = (await scrape(url)).value('work_exporter_samples_total');
    expect(after - before).toBeLessThanOrEqual(Math.ceil((performance.now() - t0) / 200) + 1);

    // Samples follow Redis: a queue emptied shows as empty within an interval or two.
    await t.redis.del(keys.queueKey(t.prefix, 'email'));
    await waitFor(async () => (await scrape(url)).value('work_queue_jobs', { job_name: 'email' }) === 0, { timeoutMs: 3000 });

    child.kill('SIGTERM');
    const { code, stderr } = await result;
    expect(code, stderr).toBe(0);
  }, 40_000);

  it('refuses bad flags (exit 2) and an unreachable Redis (exit 3)', async () => {
    for (const args of [['--interval', '0'], ['--port', '-1'], ['extra']]) {
      const bad = await runCli(['exporter', ...args, ...common()]);
      expect(bad.code, args.join(' ')).toBe(2);
    }
    const down = await runCli(['exporter', '--port', '0', '--redis', `redis://127.0.0.1:${await closedPort()}`]);
    expect(down.code).toBe(3);
  });
});
