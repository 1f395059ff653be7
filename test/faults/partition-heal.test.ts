// A pool cut off from Redis without its sockets closing has one heartbeat in
// flight. Once the other pools reap it and the link heals, that beat lands
// late. It is stamped when Redis applies it (heartbeat-2.lua), so the pool
// it puts back in worker_pools is fresh, not already older than dead-after:
// it is not reaped a second time before its next beat (which would run the
// jobs it fetched as it healed twice too).
import { describe, expect, it } from 'vitest';
import { workerPoolsKey } from '../../src/engine/codec/keys.js';
import { WorkerPool } from '../../src/engine/pool/worker-pool.js';
import { startRedisServer } from '../../src/support/private-redis.js';
import { Redis } from 'ioredis';
import { useCleanups } from '../support/fault-env.js';
import { startTcpProxy } from '../support/tcp-proxy.js';
import { waitFor } from '../support/wait.js';

const cleanup = useCleanups();
// Reapers pass more often than pools beat, so the window after the late beat is always seen.
const TIMINGS = { concurrency: 2, heartbeatIntervalMs: 600, deadAfterMs: 2000, reaperIntervalMs: 100 };

describe('a healed partition', () => {
  it('reaps a partitioned pool once, not again when its late heartbeat lands', { timeout: 30_000 }, async () => {
    const server = await startRedisServer();
    cleanup(() => server.stop());
    const proxy = await startTcpProxy({ port: server.port });
    cleanup(() => proxy.close());
    const redis = new Redis(server.url);
    cleanup(() => redis.disconnect());
    const reaps: string[] = [];
    const pools = [proxy.url, server.url].map((url) => {
      const pool = new WorkerPool({ redis: url, namespace: 'heal', ...TIMINGS });
      pool.on('error', () => undefined);
      pool.on('pool:reaped', ({ deadPoolId }) => reaps.push(deadPoolId));
      pool.job('work', () => undefined);
      cleanup(() => pool.stop({ graceMs: 100 }));
      return pool;
    });
    for (const pool of pools) await pool.start();
    const [cut] = pools;
    await new Promise((r) => setTimeout(r, 1000)); // both pools beating steadily
    proxy.pause();
    await waitFor(() => reaps.length === 1, { message: 'the partitioned pool to be reaped' });
    await new Promise((r) => setTimeout(r, 2000)); // the partition outlasts the reap: the beat in flight grows old
    proxy.resume();
    await waitFor(async () => (await redis.sismember(workerPoolsKey('heal:'), cut!.id)) === 1, { message: 'it to register again' });
    await new Promise((r) => setTimeout(r, 1500)); // a few reaper passes
    expect(reaps).toEqual([cut!.id]);
  });
});
