// `work stats`: what pools counted, read back over a window.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/commands/stats.js';
import { Enqueuer } from '../../src/engine/enqueuer/enqueuer.js';
import { WorkerPool } from '../../src/engine/pool/worker-pool.js';
import { runCli } from '../support/cli.js';
import { redisUrl, testRedis, type TestRedis } from '../support/redis.js';
import { waitFor } from '../support/wait.js';

describe('parseDuration', () => {
  it.each([
    ['90s', 90],
    ['15m', 900],
    ['6h', 21_600],
    ['7d', 604_800],
    ['120', 120],
    ['1.5h', 5400],
  ])('%s -> %d s', (text, seconds) => expect(parseDuration(text)).toBe(seconds));
  it.each(['', '0m', '-5m', '5 minutes', 'm', '5w'])('refuses %j', (text) => expect(parseDuration(text)).toBeUndefined());
});

let t: TestRedis;
beforeEach(async () => {
  t = await testRedis('stats');
});
afterEach(() => t.cleanup());

describe('work stats', () => {
  it('shows per job name what pools ran, in a table and as JSON; refuses a bad window', async () => {
    const pool = new WorkerPool({ redis: t.connect(), namespace: t.namespace, concurrency: 4 });
    pool.job('email', () => {}).job('flaky', { maxFails: 1 }, () => {
      throw new Error('no');
    });
    await pool.start();
    await new Enqueuer({ redis: t.redis, namespace: t.namespace }).enqueueBulk([
      ...Array.from({ length: 12 }, () => ({ name: 'email' })),
      ...Array.from({ length: 3 }, () => ({ name: 'flaky' })),
    ]);
    await waitFor(async () => (await t.redis.zcard(`${t.prefix}dead`)) === 3);
    await waitFor(async () => (await t.redis.hget(`${t.prefix}stats:processed`, 'email')) === '12', { message: 'every email job acknowledged' });
    await pool.stop(); // sends the last counts
    const json = JSON.parse((await runCli(['stats', '--since', '1h', '--json', '--redis', redisUrl(), '-n', t.namespace])).stdout) as {
      since: number;
      jobs: Array<{ jobName: string; done: number; failed: number; dead: number; failureRatio: number }>;
    };
    expect(json.since).toBe(3600);
    expect(json.jobs.map((j) => [j.jobName, j.done, j.failed, j.dead])).toEqual([
      ['email', 12, 0, 0],
      ['flaky', 3, 3, 3],
    ]);
    const table = await runCli(['stats', '--redis', redisUrl(), '-n', t.namespace]);
    expect(table.stdout).toMatch(/email\s+│\s+12 /);
    expect(table.stdout).toMatch(/flaky\s+│\s+3 .*3 \(100\.0%\)/);
    const bad = await runCli(['stats', '--since', 'soon', '--redis', redisUrl(), '-n', t.namespace]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--since must be a duration');
  });
});
