// A pool of ours that dies loses its presence subscription at once, so its
// jobs are rescued in seconds rather than after its heartbeat has grown old;
// a pool that is merely busy keeps its connection and is not reaped.
// The rescuers here get a dead-after of ten minutes, so only presence can
// reap: what these tests see is that mechanism alone, at its default timing.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { heartbeatKey, presenceKey, queueKey, workerPoolsKey } from '../../src/engine/codec/keys.js';
import { redisUrl } from '../support/redis.js';
import { usePoolHarness } from '../support/pool-harness.js';
import { waitFor } from '../support/wait.js';

const harness = usePoolHarness('presence');
const workerScript = fileURLToPath(new URL('../support/blocking-worker.mjs', import.meta.url));
const NO_HEARTBEAT_REAPING = { deadAfterMs: 600_000 };

function startWorker(namespace: string, mode: string): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [workerScript, redisUrl(), namespace, '5', mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += String(chunk)));
  return { child, output: () => output };
}

describe('presence', () => {
  it('rescues the jobs of a SIGKILLed worker process within seconds, with default timings', { timeout: 40_000 }, async () => {
    const { t, enqueuer, pool } = harness();
    const worker = startWorker(t.namespace, 'kill');
    try {
      await waitFor(() => worker.output().includes('ready '), { message: 'the worker process to start' });
      const deadPool = /ready (\w+)/.exec(worker.output())![1]!;
      const jobs = await enqueuer.enqueueBulk(Array.from({ length: 20 }, (_, i) => ({ name: 'crashy', args: { i } })));
      await waitFor(() => (worker.output().match(/started /g) ?? []).length === 5, { message: 'five jobs in flight' });
      const done = new Set<string>();
      const reaped: string[] = [];
      const rescuer = pool({ concurrency: 5, ...NO_HEARTBEAT_REAPING }).job('crashy', (job) => {
        done.add(job.id);
      });
      rescuer.on('pool:reaped', ({ deadPoolId }) => reaped.push(deadPoolId));
      await rescuer.start();
      await waitFor(() => done.size === 15, { message: 'the rescuer to take the jobs left on the queue' });
      await new Promise((r) => setTimeout(r, 5500)); // a rescuer that has been up a while, as in a live cluster
      expect(await t.redis.hexists(presenceKey(t.prefix), deadPool)).toBe(1);
      worker.child.kill('SIGKILL');
      const diedAt = Date.now();

      await waitFor(() => done.size === 20, { timeoutMs: 20_000, message: `all 20 jobs processed (${done.size})` });
      console.log(`presence: the 5 jobs in flight were rescued and processed ${Date.now() - diedAt} ms after the worker was killed (default timings: presence checked every 1-1.5 s; missing for 3 s with a still pulse)`);
      expect([...done].sort()).toEqual(jobs.map((j) => j.id).sort());
      expect(reaped).toEqual([deadPool]);
      expect(await t.redis.sismember(workerPoolsKey(t.prefix), deadPool)).toBe(0);
      expect(await t.redis.exists(heartbeatKey(t.prefix, deadPool))).toBe(0);
      expect(await t.redis.llen(queueKey(t.prefix, 'crashy'))).toBe(0);
      await waitFor(async () => (await t.redis.hexists(presenceKey(t.prefix), deadPool)) === 0, { message: 'the dead pool to leave the presence hash' });
    } finally {
      worker.child.kill('SIGKILL');
    }
  });

  it('does not reap a live pool whose event loop is blocked longer than the grace period', { timeout: 40_000 }, async () => {
    const { t, enqueuer, pool } = harness();
    const reaped: string[] = [];
    const watcher = pool({ concurrency: 1, ...NO_HEARTBEAT_REAPING }).job('other', () => undefined);
    watcher.on('pool:reaped', ({ deadPoolId }) => reaped.push(deadPoolId));
    await watcher.start();
    const worker = startWorker(t.namespace, 'hog');
    try {
      await waitFor(() => worker.output().includes('ready '), { message: 'the worker process to start' });
      const [job] = await enqueuer.enqueueBulk([{ name: 'crashy' }]);
      // The handler holds the event loop for 7 s: no heartbeat, no reply to anything.
      await waitFor(() => worker.output().includes(`finished ${job!.id}`), { timeoutMs: 20_000, message: 'the hogging job to finish' });
      expect(reaped).toEqual([]);
      expect(worker.output().match(/started /g)).toHaveLength(1); // it ran once
    } finally {
      worker.child.kill('SIGKILL');
    }
  });

  it('does not reap a live pool that lost only its subscriber connection', { timeout: 30_000 }, async () => {
    const { t, pool } = harness();
    const reaped: string[] = [];
    const watcher = pool({ concurrency: 1, ...NO_HEARTBEAT_REAPING }).job('other', () => undefined);
    watcher.on('pool:reaped', ({ deadPoolId }) => reaped.push(deadPoolId));
    const deaf = pool({ concurrency: 1, ...NO_HEARTBEAT_REAPING }).job('other', () => undefined);
    await Promise.all([watcher.start(), deaf.start()]);
    await waitFor(async () => (await t.redis.hexists(presenceKey(t.prefix), deaf.id)) === 1, { message: 'both pools to pulse' });
    // As when a NAT drops an idle connection unnoticed: the subscription is
    // gone and stays gone, while the pool's main connection works on.
    (deaf as unknown as { subscriber: { disconnect(): void } }).subscriber.disconnect();
    await waitFor(async () => Number(((await t.redis.call('PUBSUB', 'NUMSUB', `${t.prefix}presence:${deaf.id}`)) as unknown[])[1]) === 0);
    await new Promise((r) => setTimeout(r, 9000)); // past the watcher's settling time, grace and quiet period
    expect(reaped).toEqual([]);
    expect(await t.redis.sismember(workerPoolsKey(t.prefix), deaf.id)).toBe(1);
  });
});
