// Redis out of memory under `maxmemory-policy noeviction`: it refuses every
// command that could grow memory. Enqueueing must fail at once with Redis'
// OOM error (not hang); a bulk enqueue must land exactly the jobs its error
// reports; pools must go on running what is queued and acknowledging what
// runs (moving a job needs no new memory); and once memory is freed
// enqueueing works again, names included in known_jobs.
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { Client } from '../../src/engine/client/client.js';
import { BulkEnqueueError } from '../../src/engine/errors.js';
import { knownJobsKey, queueKey } from '../../src/engine/codec/keys.js';
import { WorkerPool } from '../../src/engine/pool/worker-pool.js';
import { redisServerAvailable } from '../../src/support/private-redis.js';
import { auditAtRest, auditJobs, describeAudit, expectNothingLost } from '../support/audit.js';
import { FAULT_TIMINGS, privateRedis, useCleanups } from '../support/fault-env.js';
import { waitFor } from '../support/wait.js';

const cleanup = useCleanups();
const NS = 'oom';
const P = `${NS}:`;
const OOM = /^OOM command not allowed when used memory > 'maxmemory'/;

async function usedMemory(redis: Redis): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
}

/** Runs an enqueue call and returns what it threw (undefined when it resolved) and the time it took. */
async function attempt(call: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = Date.now();
  try {
    await call();
    return { error: undefined, ms: Date.now() - started };
  } catch (error) {
    return { error, ms: Date.now() - started };
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Ids of the jobs in these queues. */
async function queuedIds(redis: Redis, names: readonly string[]): Promise<Set<string>> {
  const lists = await Promise.all(names.map((n) => redis.lrange(queueKey(P, n), 0, -1)));
  return new Set(lists.flat().map((m) => (JSON.parse(m) as { id: string }).id));
}

describe.skipIf(!redisServerAvailable())('Redis at maxmemory with noeviction', () => {
  it('refuses enqueues with the OOM error, keeps running queued jobs, and recovers when memory is freed', { timeout: 40_000 }, async () => {
    const { server, redis, enqueuer } = await privateRedis(cleanup, NS, ['--maxmemory-policy', 'noeviction']);
    const client = new Client({ redis: server.url, namespace: NS });
    cleanup(() => client.close());

    const runs = new Map<string, number>();
    const record = (id: string) => runs.set(id, (runs.get(id) ?? 0) + 1);
    const releases: Array<() => void> = [];
    const pool = new WorkerPool({ redis: server.url, namespace: NS, concurrency: 5, ...FAULT_TIMINGS });
    pool.on('error', () => undefined); // heartbeats and pulses are refused while memory is full
    pool.job('work', (job) => {
      record(job.id);
    });
    pool.job('held', async (job) => {
      await new Promise<void>((resolve) => releases.push(resolve));
      record(job.id);
    });
    cleanup(() => pool.stop({ graceMs: 1000 }));
    await pool.start();

    // A backlog kept queued (its queue paused), and three jobs running, when memory runs out.
    await client.pauseQueue('work');
    const ids = (await enqueuer.enqueueBulk(Array.from({ length: 30 }, () => ({ name: 'work' })))).map((j) => j.id);
    ids.push(...(await enqueuer.enqueueBulk(Array.from({ length: 3 }, () => ({ name: 'held' })))).map((j) => j.id));
    await waitFor(() => releases.length === 3, { message: 'the held jobs to run' });
    for (let i = 0; i < 30; i++) await redis.set(`junk:${i}`, 'x'.repeat(100_000));
    // Well over the limit, so that no write slips through on a fluctuation.
    await redis.config('SET', 'maxmemory', String((await usedMemory(redis)) - 1_000_000));
    const stillFull = async () => OOM.test(messageOf((await attempt(() => redis.set('probe', '1'))).error));

    const single = await attempt(() => enqueuer.enqueue('fresh', {}));
    expect(messageOf(single.error)).toMatch(OOM);
    expect(single.ms, 'an OOM reply, not a hang').toBeLessThan(5000);
    const before = await queuedIds(redis, ['work', 'held', 'other']);
    const bulk = await attempt(() => enqueuer.enqueueBulk(['work', 'work', 'held', 'held', 'other', 'other'].map((name) => ({ name }))));
    expect(bulk.error).toBeInstanceOf(BulkEnqueueError);
    expect(messageOf((bulk.error as BulkEnqueueError).cause)).toMatch(OOM);
    expect((bulk.error as BulkEnqueueError).enqueued).toEqual([]);
    expect(await queuedIds(redis, ['work', 'held', 'other']), 'no job of the refused bulk enqueue landed').toEqual(before);

    // Running jobs are acknowledged, and the backlog runs, while memory is still full.
    for (const release of releases) release();
    await client.unpauseQueue('work');
    await waitFor(() => ids.every((id) => runs.has(id)), { message: `the backlog to run under OOM (${runs.size} ran)` });
    await waitFor(async () => (await redis.get(`${P}jobs:work:lock`)) === '0' && (await redis.get(`${P}jobs:held:lock`)) === '0', { message: 'locks back to 0 under OOM' });
    expect(await stillFull()).toBe(true);

    // Memory freed: enqueueing works again, and the name refused before is registered.
    for (let i = 0; i < 30; i++) await redis.unlink(`junk:${i}`);
    await waitFor(async () => !(await stillFull()), { message: 'Redis to accept writes again' });
    ids.push(...(await enqueuer.enqueueBulk(Array.from({ length: 10 }, () => ({ name: 'work' })))).map((j) => j.id));
    await enqueuer.enqueue('fresh', {});
    expect(await redis.sismember(knownJobsKey(P), 'fresh')).toBe(1);
    const audit = await auditAtRest(() => auditJobs(redis, P, { ids, runs, names: ['work', 'held'] }));
    expectNothingLost(audit);
    expect(audit.completed).toBe(ids.length);
    expect(audit.ranTwice).toBe(0);

    // At the edge of the limit a bulk enqueue can land some names and fail
    // on the next: what landed must be exactly what its error reports.
    await redis.config('SET', 'maxmemory', String((await usedMemory(redis)) + 400_000));
    const pad = 'y'.repeat(60_000);
    const names = ['a', 'b', 'c'];
    let partial = 0;
    let refused = 0;
    for (let call = 0; call < 12; call++) {
      const seen = await queuedIds(redis, names);
      const result = await attempt(() => enqueuer.enqueueBulk(names.flatMap((name) => [{ name, args: { pad } }, { name, args: { pad } }])));
      const landed = [...(await queuedIds(redis, names))].filter((id) => !seen.has(id)).sort();
      if (result.error === undefined) {
        expect(landed).toHaveLength(6);
        continue;
      }
      expect(result.error).toBeInstanceOf(BulkEnqueueError);
      const error = result.error as BulkEnqueueError;
      expect(messageOf(error.cause)).toMatch(OOM);
      expect(landed).toEqual(error.enqueued.map((j) => j.id).sort());
      refused++;
      if (landed.length > 0) partial++;
    }
    expect(refused).toBeGreaterThan(0);
    console.log(
      `${describeAudit('Redis maxmemory', audit)}; enqueue refused in ${single.ms} ms with "${messageOf(single.error).slice(0, 60)}…"; at the edge ${refused} of 12 bulk calls refused, ${partial} of them after landing some names (as their errors reported)`,
    );
  });
});
