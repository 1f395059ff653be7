// A network partition between one pool and Redis that closes nothing: the
// pool talks to Redis through a TCP proxy that stops forwarding (as a link
// that drops packets), so both ends keep their sockets and wait. Its presence
// subscription stays listed in Redis; only its heartbeat stops. Another pool,
// connected directly, must find it dead by the heartbeat rule and rescue its
// jobs. When the link heals, everything the partitioned pool sent meanwhile
// arrives late: its acknowledgements of rescued jobs must change nothing (no
// double acknowledgement, no lock count below what runs), and it must work on.
import { describe, expect, it } from 'vitest';
import { workerPoolsKey } from '../../src/engine/codec/keys.js';
import { WorkerPool } from '../../src/engine/pool/worker-pool.js';
import { redisServerAvailable } from '../../src/support/private-redis.js';
import { auditAtRest, auditJobs, describeAudit, expectNothingLost } from '../support/audit.js';
import { FAULT_TIMINGS, privateRedis, useCleanups } from '../support/fault-env.js';
import { startTcpProxy } from '../support/tcp-proxy.js';
import { waitFor } from '../support/wait.js';

const cleanup = useCleanups();
const NS = 'part';
const CONCURRENCY = 4;
const TIMINGS = { ...FAULT_TIMINGS, concurrency: CONCURRENCY };

describe.skipIf(!redisServerAvailable())('a pool partitioned from Redis without its sockets closing', () => {
  it('is found dead by a directly connected pool, its jobs rescued, and nothing lost or double-counted when it heals', { timeout: 40_000 }, async () => {
    const { server, redis, ids, enqueue: enqueueJobs } = await privateRedis(cleanup, NS);
    const enqueue = (n: number, ms: number) => enqueueJobs(n, { name: 'work', args: { ms } });
    const proxy = await startTcpProxy({ port: server.port });
    cleanup(() => proxy.close());

    const runs = new Map<string, number>();
    const ranBy = new Map<string, string[]>();
    const reaped: Array<{ by: string; dead: string; requeued: number }> = [];
    const makePool = (url: string) => {
      const pool = new WorkerPool({ redis: url, namespace: NS, ...TIMINGS });
      pool.on('error', () => undefined);
      pool.on('pool:reaped', ({ poolId, deadPoolId, requeued }) => reaped.push({ by: poolId, dead: deadPoolId, requeued }));
      pool.job('work', async (job) => {
        await new Promise((r) => setTimeout(r, Number(job.args.ms)));
        runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
        ranBy.set(pool.id, [...(ranBy.get(pool.id) ?? []), job.id]);
      });
      cleanup(() => pool.stop({ graceMs: 2000 }));
      return pool;
    };

    const cut = makePool(proxy.url);
    await cut.start();
    const held = await enqueue(CONCURRENCY, 1000);
    await waitFor(() => cut.busy === CONCURRENCY, { message: 'the pool behind the proxy to hold a full load' });
    proxy.pause();
    const cutAt = Date.now();
    const direct = makePool(server.url);
    await direct.start();
    await enqueue(20, 20);

    await waitFor(async () => (await redis.sismember(workerPoolsKey(`${NS}:`), cut.id)) === 0, { message: 'the partitioned pool to be reaped' });
    const reapedAfterMs = Date.now() - cutAt;
    await waitFor(() => held.every((id) => ranBy.get(direct.id)?.includes(id)), { message: 'its jobs to run on the other pool' });
    // The partitioned pool finished them too, but could not say so.
    expect(held.every((id) => ranBy.get(cut.id)?.includes(id))).toBe(true);
    expect(reaped.filter((r) => r.dead === cut.id).map((r) => [r.by, r.requeued])).toEqual([[direct.id, CONCURRENCY]]);

    const forwardedBefore = proxy.forwardedBytes;
    proxy.resume();
    await waitFor(async () => (await redis.sismember(workerPoolsKey(`${NS}:`), cut.id)) === 1, { message: 'the healed pool to register again' });
    expect(proxy.forwardedBytes).toBeGreaterThan(forwardedBefore);
    const before = ranBy.get(cut.id)!.length;
    await enqueue(40, 50);
    await waitFor(() => ranBy.get(cut.id)!.length > before, { message: 'the healed pool to take new jobs' });

    const audit = await auditAtRest(() => auditJobs(redis, `${NS}:`, { ids, runs, names: ['work'] }));
    console.log(
      `${describeAudit('TCP partition', audit)}; partitioned pool reaped ${reapedAfterMs} ms after the cut (dead-after 2 s); reaps: ${reaped.map((r) => `${r.requeued} job(s)`).join(', ')}`,
    );
    expectNothingLost(audit); // lock and lock_info back to 0: the late acknowledgements decremented nothing
    expect(audit.completed).toBe(ids.length);
    expect(reaped.every((r) => r.by === direct.id && r.dead === cut.id)).toBe(true);
    // Run twice: exactly the jobs it held when cut off. Reaped once: its late
    // heartbeat is stamped by Redis when it lands, so it comes back fresh.
    expect(reaped).toHaveLength(1);
    expect(audit.ranTwice).toBe(held.length);
    expect(audit.mostRuns).toBe(2);
  });
});
