// A worker process frozen (SIGSTOP) for longer than its heartbeat's
// dead-after, then resumed (SIGCONT). Its sockets stay open, so its presence
// subscription stays too: only the heartbeat rule can find it, as for a host
// that vanished. Another pool reaps it and runs its jobs; the frozen pool,
// once resumed, finishes the same jobs: those run twice. The test counts them
// and holds the count to the frozen pool's concurrency, the most it can hold.
import { describe, expect, it } from 'vitest';
import { workerPoolsKey } from '../../src/engine/codec/keys.js';
import { redisServerAvailable } from '../../src/support/private-redis.js';
import { auditAtRest, auditJobs, describeAudit, expectNothingLost, runsFromHash } from '../support/audit.js';
import { FAULT_TIMINGS, killWorker, privateRedis, spawnFaultWorker, useCleanups } from '../support/fault-env.js';
import { waitFor } from '../support/wait.js';

const cleanup = useCleanups();
const NS = 'freeze';
const CONCURRENCY = 4;
const TIMINGS = { ...FAULT_TIMINGS, concurrency: CONCURRENCY };

describe.skipIf(!redisServerAvailable())('a worker process frozen past its dead-after', () => {
  it('has its jobs rescued by another pool; what it then finishes too runs twice, at most its concurrency', { timeout: 60_000 }, async () => {
    const { server, redis, ids, enqueue: enqueueJobs } = await privateRedis(cleanup, NS);
    const enqueue = (n: number, ms: number) => enqueueJobs(n, { name: 'work', args: { ms } });

    const frozen = spawnFaultWorker(server.url, NS, TIMINGS);
    cleanup(() => killWorker(frozen));
    const frozenId = await frozen.ready;
    const held = await enqueue(CONCURRENCY, 1500);
    await waitFor(() => frozen.started().length === CONCURRENCY, { message: 'the worker to hold a full load' });
    frozen.child.kill('SIGSTOP');
    cleanup(() => frozen.child.kill('SIGCONT'));
    const frozenAt = Date.now();

    const rescuer = spawnFaultWorker(server.url, NS, TIMINGS);
    cleanup(() => killWorker(rescuer));
    await rescuer.ready;
    await enqueue(20, 20);
    await waitFor(async () => (await redis.sismember(workerPoolsKey('freeze:'), frozenId)) === 0, { message: 'the frozen pool to be reaped' });
    const reapedAfterMs = Date.now() - frozenAt;
    await waitFor(() => held.every((id) => rescuer.done().includes(id)), { message: "the frozen pool's jobs to run on the rescuer" });
    frozen.child.kill('SIGCONT');

    // Resumed, the frozen pool finishes what it held, beats again and takes new work.
    await waitFor(() => held.every((id) => frozen.done().includes(id)), { message: 'the resumed pool to finish its jobs' });
    await waitFor(async () => (await redis.sismember(workerPoolsKey('freeze:'), frozenId)) === 1, { message: 'the resumed pool to register again' });
    const before = frozen.started().length;
    await enqueue(40, 50);
    await waitFor(() => frozen.started().length > before, { message: 'the resumed pool to take new jobs' });

    const audit = await auditAtRest(async () => auditJobs(redis, 'freeze:', { ids, runs: await runsFromHash(redis, 'freeze:audit:runs'), names: ['work'] }));
    console.log(`${describeAudit('worker SIGSTOP', audit)}; frozen pool reaped ${reapedAfterMs} ms after the freeze (dead-after 2 s)`);
    expectNothingLost(audit);
    expect(audit.completed).toBe(ids.length);
    // Exactly the jobs the frozen pool held ran twice: once on the rescuer, once when it woke.
    expect(audit.ranTwice).toBe(held.length);
    expect(audit.ranTwice).toBeLessThanOrEqual(CONCURRENCY);
    expect(audit.mostRuns).toBe(2);
  });
});
