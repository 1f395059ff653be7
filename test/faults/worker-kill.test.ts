// Worker processes SIGKILLed every few seconds while producers keep
// enqueueing: every job whose enqueue resolved runs, nothing stays in an
// in-progress list, and lock counts come back to 0.
import { describe, expect, it } from 'vitest';
import { redisServerAvailable } from '../../src/support/private-redis.js';
import { auditAtRest, auditJobs, describeAudit, expectNothingLost, runsFromHash } from '../support/audit.js';
import { waitFor } from '../support/wait.js';
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

    // Kill the oldest worker and start another. The producer comes in bursts,
    // so a worker can be idle for a moment: the kill waits (briefly) for the
    // victim to hold unfinished jobs, so every kill is a kill mid-job.
    let kills = 0;
    const killedWithJobs: number[] = [];
    for (let round = 0; round < 5; round++) {
      await new Promise((r) => setTimeout(r, 2500));
      const victim = [...workers][0]!;
      const unfinished = () => victim.started().length - victim.done().length;
      killedWithJobs.push(await waitFor(() => unfinished(), { timeoutMs: 5000, intervalMs: 1, message: 'the worker to kill to hold jobs' }));
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
    expect(killedWithJobs.every((n) => n > 0), 'jobs in flight at every kill').toBe(true);
    expectNothingLost(audit);
    expect(audit.completed).toBe(ids.length);
    expect(audit.retry + audit.dead).toBe(0);
    // Runs twice only what a killed worker had in flight (finished but not yet acknowledged).
    expect(audit.ranTwice).toBeLessThanOrEqual(kills * TIMINGS.concurrency);
  });
});
