// Redis busy in one long command (DEBUG SLEEP) for longer than the pools'
// dead-after. Unlike a SIGSTOP (redis-pause.test.ts) the server process runs
// and its event loop is held by a command, as with a slow script or a KEYS on
// a large keyspace: connections stay open, every other command waits, and
// when it ends every heartbeat is as old as the sleep. No live pool may be
// reaped for that: nothing lost, nothing run twice.
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { WorkerPool } from '../../src/engine/pool/worker-pool.js';
import { redisServerAvailable } from '../../src/support/private-redis.js';
import { auditAtRest, auditJobs, describeAudit, expectNothingLost } from '../support/audit.js';
import { privateRedis, useCleanups } from '../support/fault-env.js';
import { waitFor } from '../support/wait.js';

const cleanup = useCleanups();
const NS = 'sleep';
const SLEEP_S = 5;

describe.skipIf(!redisServerAvailable())('Redis DEBUG SLEEP longer than a heartbeat', () => {
  it('loses no job, runs none twice and reaps no live pool', { timeout: 40_000 }, async () => {
    const { server, redis, enqueuer } = await privateRedis(cleanup, NS, ['--enable-debug-command', 'local']);
    const runs = new Map<string, number>();
    const reaped: string[] = [];
    const pools = [0, 1].map(() => {
      const pool = new WorkerPool({
        redis: server.url,
        namespace: NS,
        concurrency: 4,
        heartbeatIntervalMs: 300,
        reaperIntervalMs: 100,
        deadAfterMs: 2000,
        requeuerIntervalMs: 100,
      });
      pool.on('error', () => undefined);
      pool.on('pool:reaped', ({ deadPoolId, requeued }) => reaped.push(`${deadPoolId}:${requeued}`));
      pool.job('slow', async (job) => {
        await new Promise((r) => setTimeout(r, 1500));
        runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
      });
      cleanup(() => pool.stop({ graceMs: 3000 }));
      return pool;
    });
    for (const pool of pools) await pool.start();
    const jobs = await enqueuer.enqueueBulk(Array.from({ length: 16 }, (_, i) => ({ name: 'slow', args: { i } })));
    await waitFor(() => pools.every((p) => p.busy === 4), { message: 'both pools busy' });
    // Both pools must have judged others on fresh heartbeats before the sleep, as in a live cluster.
    await new Promise((r) => setTimeout(r, 1000));

    const sleeper = new Redis(server.url);
    cleanup(() => sleeper.disconnect());
    const startedAt = Date.now();
    await sleeper.call('DEBUG', 'SLEEP', String(SLEEP_S));
    const sleptMs = Date.now() - startedAt;

    await waitFor(() => jobs.every((j) => runs.has(j.id)), { timeoutMs: 20_000, message: 'every job to run' });
    await Promise.all(pools.map((p) => p.drain()));
    const audit = await auditAtRest(() => auditJobs(redis, `${NS}:`, { ids: jobs.map((j) => j.id), runs, names: ['slow'] }));
    console.log(`${describeAudit('Redis DEBUG SLEEP', audit)}; Redis slept ${sleptMs} ms against a 2 s dead-after; reaped: ${reaped.length}`);
    expect(sleptMs).toBeGreaterThanOrEqual(SLEEP_S * 1000);
    expectNothingLost(audit);
    expect(audit.completed).toBe(jobs.length);
    expect(audit.ranTwice).toBe(0);
    expect(reaped).toEqual([]);
  });
});
