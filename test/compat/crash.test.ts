// Nothing is lost when a worker process dies: a SIGKILLed pool's jobs are
// rescued by another pool's reaper, and lock counts left behind are repaired.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeJob } from '../../src/engine/codec/job.js';
import { deadKey, heartbeatKey, lockInfoKey, lockKey, maxConcurrencyKey, queueKey, rescuesKey, workerPoolsKey } from '../../src/engine/codec/keys.js';
import { redisUrl } from '../support/redis.js';
import { usePoolHarness } from '../support/pool-harness.js';
import { waitFor } from '../support/wait.js';

const harness = usePoolHarness('crash');
const workerScript = fileURLToPath(new URL('../support/blocking-worker.mjs', import.meta.url));
const killerScript = fileURLToPath(new URL('../support/killer-worker.mjs', import.meta.url));

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

  it('sends a job that keeps killing its worker to dead after maxRescues (3) rescues, and runs the rest', async () => {
    const { t, enqueuer, pool } = harness();
    // A pool in this process rescues the jobs of each dead worker process; it runs no "crashy" job itself.
    const rescuer = pool({ reaperIntervalMs: 200, deadAfterMs: 1500, heartbeatIntervalMs: 300 }).job('other', () => {});
    await rescuer.start();
    const killer = await enqueuer.enqueue('crashy', { kill: true });
    const ordinary = await enqueuer.enqueueBulk(Array.from({ length: 5 }, (_, i) => ({ name: 'crashy', args: { i } })));
    let output = '';
    let runs = 0;
    let child: ReturnType<typeof spawn> | undefined;
    // A supervisor's restart loop, as systemd or Kubernetes would run it.
    const start = () => {
      runs++;
      child = spawn(process.execPath, [killerScript, redisUrl(), t.namespace], { stdio: ['ignore', 'pipe', 'inherit'] });
      child.stdout!.on('data', (chunk) => (output += String(chunk)));
      child.once('exit', () => {
        if (runs < 8) start();
      });
    };
    try {
      start();
      await waitFor(async () => (await t.redis.zcard(deadKey(t.prefix))) === 1, { timeoutMs: 40_000, message: 'the killer in dead' });
      await waitFor(() => ordinary.every((j) => output.includes(`done ${j.id}`)), { message: 'the ordinary jobs ran' });
      expect(output.match(new RegExp(`killed ${killer.id}`, 'g'))).toHaveLength(3);
      const [dead] = await t.redis.zrange(deadKey(t.prefix), 0, -1);
      expect(decodeJob(dead!)).toMatchObject({
        id: killer.id,
        fails: 1,
        lastError: 'killed its worker 3 times: the pool running it died each time (maxRescues); not run again',
      });
      expect(await t.redis.llen(queueKey(t.prefix, 'crashy'))).toBe(0);
      // The finished job's count went with it.
      await waitFor(async () => (await t.redis.hlen(rescuesKey(t.prefix))) === 0, { message: 'no rescue counts left' });
    } finally {
      runs = 99;
      child?.kill('SIGKILL');
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
