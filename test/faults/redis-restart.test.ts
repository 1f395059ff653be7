// Redis restarts (with AOF persistence) in the middle of a run: the workers
// and the console's Client reconnect by themselves, and no job is lost.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '../../src/engine/client/client.js';
import { Enqueuer } from '../../src/engine/enqueuer/enqueuer.js';
import { WorkerPool } from '../../src/engine/pool/worker-pool.js';
import { redisServerAvailable, startRedisServer, type RedisServerHandle } from '../../src/support/private-redis.js';
import { waitFor } from '../support/wait.js';

const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.skipIf(!redisServerAvailable())('Redis restart', () => {
  it('workers and the Client reconnect; every job runs at least once; no pool is taken for dead', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'work-aof-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const aof = ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir];
    let server: RedisServerHandle = await startRedisServer(aof);
    cleanups.push(() => server.stop());

    const seen = new Map<string, number>();
    const reaped: string[] = [];
    // Two pools, each watching the other's presence: every subscription drops
    // with the restart, and neither may take the other for dead.
    const pools = [0, 1].map(() => {
      const pool = new WorkerPool({ redis: server.url, namespace: 'restart', concurrency: 4, requeuerIntervalMs: 100 });
      pool.on('error', () => undefined); // connection errors are expected during the restart
      pool.on('pool:reaped', ({ deadPoolId }) => reaped.push(deadPoolId));
      pool.job('work', async (job) => {
        seen.set(job.id, (seen.get(job.id) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 20));
      });
      cleanups.push(() => pool.stop({ graceMs: 1000 }));
      return pool;
    });
    for (const pool of pools) await pool.start();

    const producer = new Redis(server.url, { maxRetriesPerRequest: null });
    cleanups.push(() => producer.disconnect());
    const enqueuer = new Enqueuer({ redis: producer, namespace: 'restart' });
    const ids: string[] = [];
    const enqueue = async (n: number) => {
      for (const job of await enqueuer.enqueueBulk(Array.from({ length: n }, (_, i) => ({ name: 'work', args: { i } })))) ids.push(job.id);
    };

    // The console's Client, connected before the restart and used after it.
    const client = new Client({ redis: server.url, namespace: 'restart' });
    cleanups.push(() => client.close());
    await enqueue(100);
    expect((await client.queues()).find((q) => q.jobName === 'work')).toBeDefined();
    await waitFor(() => seen.size >= 10, { message: 'some jobs to run' });
    // A restart under load: SIGTERM makes Redis write its AOF and exit.
    const firstPid = server.process.pid;
    await server.stop();
    expect(seen.size, 'jobs still queued when Redis went down').toBeLessThan(100);
    await enqueue(0); // nothing: the producer waits for the server instead of failing
    server = await startRedisServer(aof, { port: server.port });
    await enqueue(100);

    await waitFor(() => ids.every((id) => seen.has(id)), { timeoutMs: 20_000, message: `all ${ids.length} jobs (${seen.size} ran)` });
    expect(ids).toHaveLength(200);
    // The jobs of the second half ran on a new server process: the pool reconnected.
    expect(server.process.pid).not.toBe(firstPid);
    await waitFor(async () => (await client.queues()).find((q) => q.jobName === 'work')?.count === 0);
    await Promise.all(pools.map((pool) => pool.drain()));
    expect((await client.queues()).find((q) => q.jobName === 'work')).toMatchObject({ count: 0, running: 0 });
    // Past the presence check's settling time and grace: still nobody reaped.
    await new Promise((r) => setTimeout(r, 9000));
    expect(reaped).toEqual([]);
    expect((await client.workerPoolHeartbeats()).map((h) => h.poolId).sort()).toEqual(pools.map((p) => p.id).sort());
    // At least once: a job in flight during the restart may run twice, never zero times.
    const twice = [...seen.values()].filter((n) => n > 1).length;
    expect(twice).toBeLessThanOrEqual(4);
  });
});
