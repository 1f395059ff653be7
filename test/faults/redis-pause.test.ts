// Redis paused (SIGSTOP) for longer than pools' dead-after: once it resumes,
// every heartbeat looks stale. No pool may reap a live one for that, or its
// running jobs would run twice. The guarantee: nothing is lost, and live pools
// are not reaped because Redis itself was away.
import { afterEach, describe, expect, it } from 'vitest';
import { Enqueuer } from '../../src/engine/enqueuer/enqueuer.js';
import { WorkerPool } from '../../src/engine/pool/worker-pool.js';
import { redisServerAvailable, startRedisServer } from '../../src/support/private-redis.js';
import { waitFor } from '../support/wait.js';

const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.skipIf(!redisServerAvailable())('Redis paused longer than a heartbeat', () => {
  it('loses no job and reaps no live pool', { timeout: 30_000 }, async () => {
    const server = await startRedisServer();
    cleanups.push(() => {
      server.process.kill('SIGCONT');
      return server.stop();
    });
    const runs = new Map<string, number>();
    const reaped: string[] = [];
    const pools = [0, 1].map(() => {
      const pool = new WorkerPool({
        redis: server.url,
        namespace: 'pause',
        concurrency: 4,
        heartbeatIntervalMs: 300,
        reaperIntervalMs: 100,
        deadAfterMs: 2000, // heartbeats carry whole seconds: keep this above 1 s
        requeuerIntervalMs: 100,
      });
      pool.on('error', () => undefined);
      pool.on('pool:reaped', ({ deadPoolId, requeued }) => reaped.push(`${deadPoolId}:${requeued}`));
      pool.job('slow', async (job) => {
        runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 1500));
      });
      cleanups.push(() => pool.stop({ graceMs: 3000 }));
      return pool;
    });
    for (const pool of pools) await pool.start();
    const enqueuer = new Enqueuer({ redis: server.url, namespace: 'pause' });
    cleanups.push(() => enqueuer.close());
    const jobs = await enqueuer.enqueueBulk(Array.from({ length: 16 }, (_, i) => ({ name: 'slow', args: { i } })));
    await waitFor(() => runs.size >= 8, { message: 'both pools busy' });

    server.process.kill('SIGSTOP');
    await new Promise((r) => setTimeout(r, 5000)); // well past dead-after
    server.process.kill('SIGCONT');

    await waitFor(() => jobs.every((j) => runs.has(j.id)), { timeoutMs: 20_000, message: 'every job to run' });
    await Promise.all(pools.map((p) => p.drain()));
    expect(reaped).toEqual([]);
    expect([...runs.values()].filter((n) => n > 1)).toEqual([]);
  });
});
