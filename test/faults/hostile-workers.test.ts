// Handlers that take their whole worker process down with them, in worker
// processes of their own: one that holds the event loop (no timer, no I/O,
// no heartbeat) shorter and longer than the heartbeat's dead-after, and one
// that allocates until the process runs out of heap. A pool in this process
// watches them (reaper and presence), as another host of the cluster would.
import { describe, expect, it } from 'vitest';
import { decodeJob } from '../../src/engine/codec/job.js';
import { deadKey, rescuesKey } from '../../src/engine/codec/keys.js';
import { WorkerPool, type WorkerPoolOptions } from '../../src/engine/pool/worker-pool.js';
import { redisServerAvailable } from '../../src/support/private-redis.js';
import { auditAtRest, auditJobs, describeAudit, expectNothingLost, runsFromHash } from '../support/audit.js';
import { FAULT_TIMINGS, killWorker, privateRedis, spawnFaultWorker, useCleanups, type WorkerProcess } from '../support/fault-env.js';
import { waitFor } from '../support/wait.js';

const cleanup = useCleanups();
const NS = 'hw';
const P = `${NS}:`;
const RUNS = `${P}audit:runs`;

async function cluster(timings: WorkerPoolOptions) {
  const { server, redis, enqueuer } = await privateRedis(cleanup, NS);
  const reaped: Array<{ dead: string; requeued: number }> = [];
  /** The watching pool: runs what it rescues (without hogging this process) and records runs as the workers do. */
  const watcher = async (names: string[]) => {
    const pool = new WorkerPool({ redis: server.url, namespace: NS, ...timings });
    pool.on('error', () => undefined);
    pool.on('pool:reaped', ({ deadPoolId, requeued }) => reaped.push({ dead: deadPoolId, requeued }));
    for (const name of names) {
      pool.job(name, async (job) => {
        await redis.hincrby(RUNS, job.id, 1);
      });
    }
    cleanup(() => pool.stop({ graceMs: 1000 }));
    await pool.start();
    return pool;
  };
  const worker = (nodeArgs: string[] = []) => {
    const w = spawnFaultWorker(server.url, NS, timings, nodeArgs);
    cleanup(() => killWorker(w));
    return w;
  };
  const audit = (ids: string[], names: string[]) => auditAtRest(async () => auditJobs(redis, P, { ids, runs: await runsFromHash(redis, RUNS), names }));
  return { redis, enqueuer, reaped, watcher, worker, audit };
}

describe.skipIf(!redisServerAvailable())('handlers that take their worker process down', () => {
  it.each([
    // A block shorter than dead-after (heartbeats carry whole seconds: up to 1 s of it is lost to
    // rounding; a loaded machine delays beats further, hence the wide margin).
    ['shorter than dead-after: the pool is not reaped, the job runs once', 1500, 6000, 1],
    ['longer than dead-after: the pool is reaped, the job runs again elsewhere', 5000, 2000, 2],
  ])('a handler holding the event loop %s', { timeout: 40_000 }, async (_label, blockMs, deadAfterMs, runsOfHog) => {
    const timings = { ...FAULT_TIMINGS, concurrency: 2, deadAfterMs };
    const c = await cluster(timings);
    const hogger = c.worker();
    const hoggerId = await hogger.ready;
    const [hog] = await c.enqueuer.enqueueBulk([{ name: 'hog', args: { ms: blockMs } }]);
    await waitFor(() => hogger.started('hog').includes(hog!.id), { message: 'the worker to start the hog' });
    const watcher = await c.watcher(['hog', 'work']);
    const others = await c.enqueuer.enqueueBulk(Array.from({ length: 20 }, () => ({ name: 'work' })));
    await waitFor(() => hogger.done('hog').includes(hog!.id), { timeoutMs: 20_000, message: 'the hog to return' });
    // Back from its block, the worker beats and works on.
    const ids = [hog!.id, ...others.map((j) => j.id)];
    ids.push(...(await c.enqueuer.enqueueBulk(Array.from({ length: 20 }, () => ({ name: 'work' })))).map((j) => j.id));
    await waitFor(() => hogger.done('work').length > 0, { message: 'the worker to run ordinary jobs after its block' });

    const audit = await c.audit(ids, ['hog', 'work']);
    console.log(`${describeAudit(`event loop held ${blockMs} ms, dead-after ${deadAfterMs} ms`, audit)}; reaped: ${c.reaped.length}`);
    expectNothingLost(audit);
    expect(audit.completed).toBe(ids.length);
    expect((await runsFromHash(c.redis, RUNS)).get(hog!.id)).toBe(runsOfHog);
    if (runsOfHog === 1) {
      expect(c.reaped).toEqual([]);
      expect(audit.ranTwice).toBe(0);
    } else {
      expect(c.reaped.map((r) => r.dead)).toEqual([hoggerId]);
      // The hog, and at most the one other job its worker held, ran on both pools.
      expect(audit.ranTwice).toBeGreaterThanOrEqual(1);
      expect(audit.ranTwice).toBeLessThanOrEqual(timings.concurrency);
    }
    expect(watcher.running).toBe(true);
  });

  it('a handler that exhausts the heap (--max-old-space-size=64) kills each worker that takes it until maxRescues sends it to dead; the jobs beside it all run', { timeout: 100_000 }, async () => {
    const timings = { ...FAULT_TIMINGS, concurrency: 2 };
    const c = await cluster(timings);
    // A supervisor's restart loop: one worker, started again each time it dies.
    const workers: WorkerProcess[] = [];
    const exits: string[] = [];
    let supervising = true;
    cleanup(() => (supervising = false));
    const start = () => {
      const w = c.worker(['--max-old-space-size=64']);
      const i = workers.push(w) - 1;
      void w.exited.then(({ code, signal }) => {
        exits[i] = String(signal ?? code);
        if (supervising) start();
      });
    };
    start();
    await workers[0]!.ready;
    await c.watcher(['work']); // never takes the heap job itself
    const [heap] = await c.enqueuer.enqueueBulk([{ name: 'heap' }]);
    const ordinary = await c.enqueuer.enqueueBulk(Array.from({ length: 10 }, () => ({ name: 'work', args: { ms: 200 } })));

    // Each death is a heap run to its limit, a restart and a reap: seconds
    // alone, far more on a loaded 2-core machine. A timeout says how far it got.
    const [dead] = await waitFor(async () => {
      const members = await c.redis.zrange(deadKey(P), 0, -1);
      return members.length === 1 ? members : undefined;
    }, { timeoutMs: 75_000, message: 'the heap job in dead' }).catch(async (error: unknown) => {
      const states = workers.map((w, i) => `worker ${i}: ${w.started('heap').length > 0 ? 'took the heap job' : 'no heap job'}, ${exits[i] ?? 'running'}`);
      throw new Error(`${String(error)}; ${states.join('; ')}; rescues ${JSON.stringify(await c.redis.hgetall(rescuesKey(P)))}; reaps ${c.reaped.length}`);
    });
    const deaths = await Promise.all(workers.slice(0, 3).map((w) => w.exited));
    const ranHeap = workers.filter((w) => w.started('heap').includes(heap!.id)).length;
    expect(decodeJob(dead!)).toMatchObject({ id: heap!.id, lastError: 'killed its worker 3 times: the pool running it died each time (maxRescues); not run again' });
    expect(ranHeap).toBe(3);
    // V8 aborts the process when its heap is exhausted.
    expect(deaths.map((d) => d.signal ?? d.code)).toEqual(['SIGABRT', 'SIGABRT', 'SIGABRT']);

    const audit = await c.audit([heap!.id, ...ordinary.map((j) => j.id)], ['heap', 'work']);
    console.log(`${describeAudit('heap exhausted', audit)}; ${ranHeap} workers died running it, ${c.reaped.length} reaps`);
    expectNothingLost(audit);
    expect(audit.completed).toBe(ordinary.length);
    expect(audit.dead).toBe(1);
    await waitFor(async () => (await c.redis.hlen(rescuesKey(P))) === 0, { message: 'no rescue counts left' });
    supervising = false;
  });
});
