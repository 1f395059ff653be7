// Redis out of memory under `maxmemory-policy noeviction`: it refuses every
// command that could grow memory. Enqueueing must fail at once with Redis'
// OOM error (not hang), a bulk enqueue must land per job name all or nothing,
// jobs running when memory ran out are still acknowledged, queued jobs wait,
// and once memory is freed enqueueing works again and everything runs.
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { Client } from '../../src/engine/client.js';
import { Enqueuer } from '../../src/engine/enqueuer.js';
import { queueKey } from '../../src/engine/keys.js';
import { WorkerPool } from '../../src/engine/worker-pool.js';
import { redisServerAvailable, startRedisServer } from '../../src/support/private-redis.js';
import { auditAtRest, auditJobs, describeAudit, expectNothingLost } from '../support/audit.js';
import { useCleanups } from '../support/fault-env.js';
import { waitFor } from '../support/wait.js';

const cleanup = useCleanups();
const NS = 'oom';
const P = `${NS}:`;
const OOM = /^OOM command not allowed when used memory > 'maxmemory'/;

async function usedMemory(redis: Redis): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
}

/** What an enqueue call did: resolved or the error it raised, and the time it took. */
async function attempt<T>(call: () => Promise<T>): Promise<{ ok: boolean; error?: string; ms: number }> {
  const started = Date.now();
  try {
    await call();
    return { ok: true, ms: Date.now() - started };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error), ms: Date.now() - started };
  }
}

describe.skipIf(!redisServerAvailable())('Redis at maxmemory with noeviction', () => {
  it('refuses enqueues with the OOM error, writes no partial name, acknowledges running jobs, and recovers when memory is freed', { timeout: 40_000 }, async () => {
    const server = await startRedisServer(['--maxmemory-policy', 'noeviction']);
    cleanup(() => server.stop());
    const redis = new Redis(server.url);
    cleanup(() => redis.disconnect());
    const enqueuer = new Enqueuer({ redis: server.url, namespace: NS });
    cleanup(() => enqueuer.close());
    const client = new Client({ redis: server.url, namespace: NS });
    cleanup(() => client.close());

    const runs = new Map<string, number>();
    const record = (id: string) => runs.set(id, (runs.get(id) ?? 0) + 1);
    const releases: Array<() => void> = [];
    const pool = new WorkerPool({ redis: server.url, namespace: NS, concurrency: 5, heartbeatIntervalMs: 300, deadAfterMs: 2000, reaperIntervalMs: 300, requeuerIntervalMs: 100 });
    pool.on('error', () => undefined); // heartbeats and pulses are refused too while memory is full
    pool.job('work', (job) => {
      record(job.id);
    });
    pool.job('held', async (job) => {
      await new Promise<void>((resolve) => releases.push(resolve));
      record(job.id);
    });
    cleanup(() => pool.stop({ graceMs: 1000 }));
    await pool.start();

    // A backlog that stays queued (its queue paused), and three jobs running, when memory runs out.
    await client.pauseQueue('work');
    const ids = (await enqueuer.enqueueBulk(Array.from({ length: 30 }, () => ({ name: 'work' })))).map((j) => j.id);
    ids.push(...(await enqueuer.enqueueBulk(Array.from({ length: 3 }, () => ({ name: 'held' })))).map((j) => j.id));
    await waitFor(() => releases.length === 3, { message: 'the held jobs to run' });
    for (let i = 0; i < 30; i++) await redis.set(`junk:${i}`, 'x'.repeat(100_000));
    // Well over the limit, so that no write slips through on a fluctuation.
    await redis.config('SET', 'maxmemory', String((await usedMemory(redis)) - 1_000_000));

    const single = await attempt(() => enqueuer.enqueue('work', {}));
    expect(single.ok).toBe(false);
    expect(single.error).toMatch(OOM);
    expect(single.ms, 'an OOM reply, not a hang').toBeLessThan(5000);
    const lengths = async () => Promise.all(['work', 'held', 'other'].map((n) => redis.llen(queueKey(P, n))));
    const lengthsBefore = await lengths();
    const bulk = await attempt(() => enqueuer.enqueueBulk(['work', 'work', 'held', 'held', 'other', 'other'].map((name) => ({ name }))));
    expect(bulk.ok).toBe(false);
    expect(bulk.error).toMatch(OOM);
    expect(await lengths(), 'no job of the refused bulk enqueue landed').toEqual(lengthsBefore);

    // Jobs that were running finish and are acknowledged: removing needs no memory.
    for (const release of releases) release();
    await waitFor(async () => (await redis.get(`${P}jobs:held:lock`)) === '0', { message: 'the held jobs acknowledged under OOM' });
    expect(await redis.llen(`${P}jobs:held:${pool.id}:inprogress`)).toBe(0);

    // Memory freed: enqueueing works again and the backlog runs.
    for (let i = 0; i < 30; i++) await redis.unlink(`junk:${i}`);
    await waitFor(async () => (await attempt(() => redis.set('probe', '1'))).ok, { message: 'Redis to accept writes again' });
    ids.push(...(await enqueuer.enqueueBulk(Array.from({ length: 10 }, () => ({ name: 'work' })))).map((j) => j.id));
    await client.unpauseQueue('work');
    const audit = await auditAtRest(() => auditJobs(redis, P, { ids, runs, names: ['work', 'held'] }));
    expectNothingLost(audit);
    expect(audit.completed).toBe(ids.length);
    expect(audit.ranTwice).toBe(0);

    // At the edge of the limit a bulk enqueue can land some names and still
    // fail: each name is one script, all or nothing, but the call as a whole
    // is not. Count how often that happens, and check per-name atomicity.
    await redis.config('SET', 'maxmemory', String((await usedMemory(redis)) + 400_000));
    const pad = 'y'.repeat(60_000);
    let partial = 0;
    let refused = 0;
    for (let call = 0; call < 12; call++) {
      const names = ['a', 'b', 'c'];
      const before = await Promise.all(names.map((n) => redis.llen(queueKey(P, n))));
      const result = await attempt(() => enqueuer.enqueueBulk(names.flatMap((name) => [{ name, args: { pad } }, { name, args: { pad } }])));
      const landed = (await Promise.all(names.map((n) => redis.llen(queueKey(P, n))))).map((n, i) => n - before[i]!);
      for (const n of landed) expect([0, 2]).toContain(n);
      if (result.ok) expect(landed).toEqual([2, 2, 2]);
      else {
        expect(result.error).toMatch(OOM);
        refused++;
        if (landed.some((n) => n > 0)) partial++;
      }
    }
    expect(refused).toBeGreaterThan(0);
    console.log(
      `${describeAudit('Redis maxmemory', audit)}; enqueue refused in ${single.ms} ms with "${single.error?.slice(0, 60)}…"; at the edge ${refused} of 12 bulk calls refused, ${partial} of them after landing some names`,
    );
  });
});
