// Worker processes SIGKILLed every few seconds while producers keep
// enqueueing: every job whose enqueue resolved runs, nothing stays in an
// in-progress list, and lock counts come back to 0.
import { describe, expect, it } from 'vitest';
import { redisServerAvailable } from '../../src/support/private-redis.js';
import { auditAtRest, auditJobs, describeAudit, expectNothingLost, runsFromHash } from '../support/audit.js';
import { FAULT_TIMINGS, killWorker, privateRedis, spawnFaultWorker, useCleanups, type WorkerProcess } from '../support/fault-env.js';

const cleanup = useCleanups();
const NS = 'kill';
const TIMINGS = { ...FAULT_TIMINGS, concurrency: 10 };

describe.skipIf(!redisServerAvailable())('worker processes killed under load', () => {
  it('loses no job when a worker is SIGKILLed every 2.5 s', { timeout: 60_000 }, async () => {
    const { server, redis, ids, enqueue } = await privateRedis(cleanup, NS);
    const workers = new Set<WorkerProcess>();
    const spawnWorker = async () => {
      const worker = spawnFaultWorker(server.url, NS, TIMINGS);
      workers.add(worker);
      cleanup(() => killWorker(worker));
      await worker.ready;
      return worker;
    };
    await Promise.all([spawnWorker(), spawnWorker()]);

    let producing = true;
    const producer = (async () => {
      while (producing) {
        await enqueue(20, { name: 'work', args: { ms: 5 + (ids.length % 40) } });
        await new Promise((r) => setTimeout(r, 40));
      }
    })();

    // Kill the oldest worker (mid-job: it always has some) and start another.
    let kills = 0;
    const killedWithJobs: number[] = [];
    for (let round = 0; round < 5; round++) {
      await new Promise((r) => setTimeout(r, 2500));
      const victim = [...workers][0]!;
      killedWithJobs.push(victim.started().length - victim.done().length);
      await killWorker(victim);
      workers.delete(victim);
      kills++;
      await spawnWorker();
    }
    producing = false;
    await producer;

    const audit = await auditAtRest(async () => auditJobs(redis, 'kill:', { ids, runs: await runsFromHash(redis, 'kill:audit:runs'), names: ['work'] }), 30_000);
    console.log(`${describeAudit('worker SIGKILL', audit)}; ${kills} workers killed, holding ${killedWithJobs.join(', ')} unfinished jobs`);
    expect(kills).toBe(5);
    // A worker is sometimes killed between jobs; over five kills, some had jobs in flight to rescue.
    expect(killedWithJobs.reduce((a, b) => a + b, 0), 'jobs in flight at the kills').toBeGreaterThan(0);
    expectNothingLost(audit);
    expect(audit.completed).toBe(ids.length);
    expect(audit.retry + audit.dead).toBe(0);
    // Runs twice only what a killed worker had in flight (finished but not yet acknowledged).
    expect(audit.ranTwice).toBeLessThanOrEqual(kills * TIMINGS.concurrency);
  });
});
