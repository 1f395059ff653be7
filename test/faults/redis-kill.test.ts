// Redis SIGKILLed under load and started again on the same port, with AOF
// (appendfsync always) and without persistence. With AOF every write Redis
// acknowledged is on disk before the reply, so no acknowledged enqueue is
// lost. Without persistence the restarted Redis is empty: every job that was
// queued, scheduled, in retry or in progress is gone with it, and the test
// counts them; what must hold is that the pools come back on their own (no
// crash, no stuck pool, no pool reaped) and run every job enqueued after.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { Enqueuer } from '../../src/engine/enqueuer/enqueuer.js';
import { workerPoolsKey } from '../../src/engine/codec/keys.js';
import { WorkerPool } from '../../src/engine/pool/worker-pool.js';
import { redisServerAvailable, startRedisServer } from '../../src/support/private-redis.js';
import { auditAtRest, auditJobs, describeAudit, expectNothingLost } from '../support/audit.js';
import { useCleanups } from '../support/fault-env.js';
import { waitFor } from '../support/wait.js';

const cleanup = useCleanups();
const NS = 'rkill';

describe.skipIf(!redisServerAvailable())('Redis killed with SIGKILL and restarted', () => {
  it.each([
    ['with AOF (appendfsync always)', true],
    ['without persistence', false],
  ])('%s', { timeout: 60_000 }, async (_label, aof) => {
    const dir = mkdtempSync(join(tmpdir(), 'work-kill-'));
    cleanup(() => rmSync(dir, { recursive: true, force: true }));
    const args = aof ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir] : ['--dir', dir];
    let server = await startRedisServer(args);
    cleanup(() => server.stop());

    const runs = new Map<string, number>();
    const ranBy = new Map<string, Set<string>>(); // pool id -> jobs it completed
    const reaped: string[] = [];
    const pools = [0, 1].map(() => {
      const pool = new WorkerPool({
        redis: server.url,
        namespace: NS,
        concurrency: 5,
        heartbeatIntervalMs: 300,
        deadAfterMs: 2000,
        reaperIntervalMs: 300,
        requeuerIntervalMs: 100,
      });
      pool.on('error', () => undefined); // connection errors while Redis is down
      pool.on('pool:reaped', ({ deadPoolId }) => reaped.push(deadPoolId));
      pool.job('work', async (job) => {
        await new Promise((r) => setTimeout(r, 30)); // slower than the producer: a backlog builds
        runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
        let mine = ranBy.get(pool.id);
        if (!mine) ranBy.set(pool.id, (mine = new Set()));
        mine.add(job.id);
      });
      cleanup(() => pool.stop({ graceMs: 1000 }));
      return pool;
    });
    for (const pool of pools) await pool.start();

    const enqueuer = new Enqueuer({ redis: server.url, namespace: NS });
    cleanup(() => enqueuer.close());
    // Ids by when their enqueue was issued: before the kill, or once Redis was back.
    const before: string[] = [];
    const after: string[] = [];
    let phase: string[] = before;
    let producing = true;
    let refused = 0;
    const producer = (async () => {
      while (producing) {
        const into = phase;
        try {
          const jobs = await enqueuer.enqueueBulk(Array.from({ length: 10 }, () => ({ name: 'work' })));
          into.push(...jobs.map((j) => j.id));
        } catch {
          refused++; // not acknowledged: the audit does not count it
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();

    await waitFor(() => runs.size >= 200, { message: 'the pools to be busy' });
    // Scheduled jobs, due after the restart.
    for (let i = 0; i < 5; i++) before.push((await enqueuer.enqueueIn('work', 1)).job.id);
    server.process.kill('SIGKILL');
    await new Promise((r) => server.process.once('exit', r));
    phase = []; // enqueues issued while Redis is down: either outcome is allowed
    server = await startRedisServer(args, { port: server.port });
    phase = after;
    await waitFor(() => after.length >= 300, { timeoutMs: 15_000, message: 'enqueues to be acknowledged again' });
    producing = false;
    await producer;

    const redis = new Redis(server.url);
    cleanup(() => redis.disconnect());
    const read = () => auditJobs(redis, `${NS}:`, { ids: aof ? [...before, ...after] : after, runs, names: ['work'] });
    const audit = await auditAtRest(read);
    const lostBefore = before.filter((id) => !runs.has(id)).length;
    console.log(`${describeAudit(`Redis SIGKILL ${_label}`, audit)}; of ${before.length} acknowledged before the kill ${lostBefore} never ran; ${refused} enqueue calls refused during the outage`);
    expectNothingLost(audit);
    expect(audit.completed).toBe(audit.enqueued);
    if (aof) expect(lostBefore).toBe(0);
    else expect(lostBefore, 'the backlog and the scheduled jobs went with the data').toBeGreaterThan(5);
    // Both pools live on: registered again, taking new jobs, and nobody reaped.
    await waitFor(async () => (await redis.smembers(workerPoolsKey(`${NS}:`))).length === 2, { message: 'both pools registered again' });
    for (const pool of pools) {
      expect(pool.running).toBe(true);
      expect(after.some((id) => ranBy.get(pool.id)?.has(id)), `pool ${pool.id} ran jobs after the restart`).toBe(true);
    }
    expect(reaped).toEqual([]);
  });
});
