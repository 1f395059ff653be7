// Nothing is lost when a worker process dies: a SIGKILLed pool's jobs are
// rescued by another pool's reaper, and lock counts left behind are repaired.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { heartbeatKey, lockInfoKey, lockKey, maxConcurrencyKey, queueKey, workerPoolsKey } from '../../src/engine/keys.js';
import { redisUrl } from '../support/redis.js';
import { usePoolHarness } from '../support/pool-harness.js';
import { waitFor } from '../support/wait.js';

const harness = usePoolHarness('crash');
const workerScript = fileURLToPath(new URL('../support/blocking-worker.mjs', import.meta.url));

describe('crashes', () => {
  it.each([
    ['killed with SIGKILL', 'kill'],
    ['ended by a handler calling process.exit', 'exit'],
  ])('rescues every job of a worker process %s mid-job', async (_how, mode) => {
    const { t, enqueuer, pool } = harness();
    const child = spawn(process.execPath, [workerScript, redisUrl(), t.namespace, '5', mode], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += String(chunk)));
    try {
      await waitFor(() => output.includes('ready '), { message: 'the worker process to start' });
      const deadPool = /ready (\w+)/.exec(output)![1]!;
      const jobs = await enqueuer.enqueueBulk(Array.from({ length: 20 }, (_, i) => ({ name: 'crashy', args: { i } })));
      await waitFor(() => (output.match(/started /g) ?? []).length === 5, { message: 'five jobs in flight' });
      if (mode === 'kill') child.kill('SIGKILL');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)));
      const diedAt = Date.now();

      const done = new Set<string>();
      const rescuer = pool({ concurrency: 5, reaperIntervalMs: 200, deadAfterMs: 2000, heartbeatIntervalMs: 500 }).job('crashy', (job) => {
        done.add(job.id);
      });
      await rescuer.start();
      await waitFor(() => done.size === 20, { timeoutMs: 15_000, message: `all 20 jobs processed (${done.size})` });
      console.log(`${mode}: all 20 jobs processed ${Date.now() - diedAt} ms after the worker died (dead after 2 s of silence)`);

      expect([...done].sort()).toEqual(jobs.map((j) => j.id).sort());
      expect(await t.redis.llen(queueKey(t.prefix, 'crashy'))).toBe(0);
      expect(await t.redis.sismember(workerPoolsKey(t.prefix), deadPool)).toBe(0);
      expect(await t.redis.exists(heartbeatKey(t.prefix, deadPool))).toBe(0);
      await rescuer.drain();
      await waitFor(async () => (await t.redis.get(lockKey(t.prefix, 'crashy'))) === '0', { message: 'lock back to 0' });
      expect(await t.redis.hget(lockInfoKey(t.prefix, 'crashy'), deadPool)).toBeNull();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('repairs a lock count left too high by a vanished pool, so a capped queue never freezes', async () => {
    const { t, enqueuer, pool } = harness();
    // gocraft issue 192: a pool died without a trace but its lock share stayed.
    await t.redis.set(lockKey(t.prefix, 'capped'), '5');
    await t.redis.hset(lockInfoKey(t.prefix, 'capped'), 'ghostpool000000000000000', '5');
    await enqueuer.enqueueBulk([{ name: 'capped' }, { name: 'capped' }, { name: 'capped' }]);
    let ran = 0;
    const p = pool({ concurrency: 2, reaperIntervalMs: 100 }).job('capped', { maxConcurrency: 1 }, () => {
      ran++;
    });
    await p.start();
    expect(await t.redis.get(maxConcurrencyKey(t.prefix, 'capped'))).toBe('1');
    await waitFor(() => ran === 3, { message: 'the capped queue to drain' });
    expect(await t.redis.hget(lockInfoKey(t.prefix, 'capped'), 'ghostpool000000000000000')).toBeNull();
    await waitFor(async () => (await t.redis.get(lockKey(t.prefix, 'capped'))) === '0');
  });
});
