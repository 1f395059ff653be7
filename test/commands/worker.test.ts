// `work worker` as a process: loads ESM and CommonJS handler modules, runs
// jobs (gocraft's too), logs outcomes, stops gracefully on SIGTERM with
// nothing lost, and refuses bad modules with one clear line.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Enqueuer } from '../../src/engine/enqueuer/enqueuer.js';
import * as keys from '../../src/engine/codec/keys.js';
import { collect, runCli, startCli } from '../support/cli.js';
import { loadSnapshot } from '../support/fixtures.js';
import { redisUrl, testRedis, type TestRedis } from '../support/redis.js';
import { waitFor } from '../support/wait.js';

const dir = mkdtempSync(join(tmpdir(), 'work-handlers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function module(name: string, source: string): string {
  const path = join(dir, name);
  writeFileSync(path, source);
  return path;
}

let t: TestRedis;
beforeEach(async () => {
  t = await testRedis('worker');
});
afterEach(() => t.cleanup());

const common = () => ['--redis', redisUrl(), '-n', t.namespace];

describe('work worker', () => {
  it('runs an ESM module\'s jobs, gocraft-written ones included, and stops on SIGTERM with exit 0', async () => {
    const path = module(
      'esm.mjs',
      `export const jobs = {
        email: async (job) => { if (job.args.fail) throw new Error('mailbox full'); },
        numbers: async () => {},
        html: async () => {},
      };
      export const concurrency = 3;`,
    );
    await loadSnapshot(t.redis, 'v0.5.1', 'enqueue', t.prefix);
    const child = startCli(['worker', path, '--jobs', 'email,numbers,html', ...common()]);
    const result = collect(child, Date.now(), { timeoutMs: 20_000 });
    await new Enqueuer({ redis: t.redis, namespace: t.namespace }).enqueue('email', { fail: true });
    // The fixture queued 2 email, 1 numbers and 1 html jobs; ours adds a failing one.
    await waitFor(async () => (await t.redis.hget(keys.processedCountKey(t.prefix), 'email')) === '3', { message: 'email jobs processed' });
    await waitFor(async () => (await t.redis.llen(keys.queueKey(t.prefix, 'numbers'))) === 0);
    await waitFor(async () => (await t.redis.llen(keys.queueKey(t.prefix, 'html'))) === 0);
    child.kill('SIGTERM');
    const { code, stdout, stderr } = await result;
    expect(code, stderr).toBe(0);
    expect(stdout.match(/^\S+ ok {6}email /gm)).toHaveLength(2);
    expect(stdout).toMatch(/failed {2}email \w+ \(retry, attempt 1\): mailbox full/);
    expect(stdout).toMatch(/ok {6}numbers /);
    expect(stderr).toContain('started');
    expect(stderr).toContain('stopped');
    // Not asked for: the other fixture queues were left alone.
    expect(await t.redis.llen(keys.queueKey(t.prefix, 'unicode'))).toBe(1);
    expect(await t.redis.scard(keys.workerPoolsKey(t.prefix))).toBe(0);
  });

  it('loads CommonJS, prints JSON lines with --json, and requeues a job still running after --grace', async () => {
    const path = module(
      'slow.cjs',
      `module.exports = { jobs: { slow: { timeoutMs: 0, handler: (job) => new Promise((r) => job.signal.addEventListener('abort', r)) }, quick: () => {} } };`,
    );
    const enqueuer = new Enqueuer({ redis: t.redis, namespace: t.namespace });
    await enqueuer.enqueue('quick', {});
    const slow = await enqueuer.enqueue('slow', { n: 1 });
    const child = startCli(['worker', path, '--grace', '0.5', '--json', ...common()]);
    const result = collect(child, Date.now(), { timeoutMs: 20_000 });
    await waitFor(async () => (await t.redis.get(keys.lockKey(t.prefix, 'slow'))) === '1', { message: 'the slow job to start' });
    child.kill('SIGTERM');
    const { code, stdout } = await result;
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; jobName: string });
    expect(lines).toContainEqual(expect.objectContaining({ event: 'completed', jobName: 'quick' }));
    // The slow job did not finish within the grace period: it is back on its queue, not lost.
    const queued = await t.redis.lrange(keys.queueKey(t.prefix, 'slow'), 0, -1);
    expect(queued).toHaveLength(1);
    expect(queued[0]).toContain(slow.id);
    expect(await t.redis.get(keys.lockKey(t.prefix, 'slow'))).toBe('0');
  });

  it.each([
    ['a missing file', () => join(dir, 'nope.mjs'), /handlers module not found/],
    ['a syntax error', () => module('syntax.mjs', 'export const jobs = {'), /cannot load handlers module .*syntax\.mjs/],
    ['no jobs', () => module('empty.mjs', 'export const other = 1;'), /declares no handlers/],
    ['a handler that is not a function', () => module('notfn.mjs', 'export const jobs = { a: 42 };'), /job "a" must be a function/],
    ['an unknown option', () => module('opt.mjs', 'export const jobs = { a: { handler() {}, retries: 3 } };'), /unknown option "retries"/],
    ['an invalid priority', () => module('prio.mjs', 'export const jobs = { a: { handler() {}, priority: 0 } };'), /priority must be an integer from 1 to 100000/],
    ['a bad cron spec', () => module('cron.mjs', "export const jobs = { a() {} }; export const periodic = [{ spec: 'every day', job: 'a' }];"), /cron spec "every day"/],
  ])('refuses %s with one clear line and exit 2', async (_label, make, message) => {
    const { code, stderr } = await runCli(['worker', make(), ...common()]);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('prints hostile job text inert: an escape sequence in an error or a job name is shown, not acted on', async () => {
    const path = module('hostile.mjs', `export const jobs = { evil: () => { throw new Error('\\u001b]0;pwned\\u0007\\u001b[2Jgone'); } };`);
    // A stray job whose name carries a clear-screen sequence, pushed straight into the queue.
    await t.redis.lpush(keys.queueKey(t.prefix, 'evil'), JSON.stringify({ name: 'x\u001b[2Jy', id: 'i1', t: 1, args: {} }));
    await new Enqueuer({ redis: t.redis, namespace: t.namespace }).enqueue('evil', {});
    const child = startCli(['worker', path, ...common()]);
    const result = collect(child, Date.now(), { timeoutMs: 20_000 });
    await waitFor(async () => (await t.redis.zcard(keys.deadKey(t.prefix))) + (await t.redis.zcard(keys.retryKey(t.prefix))) === 2, { message: 'both jobs failed' });
    child.kill('SIGTERM');
    const { stdout } = await result;
    expect(stdout).not.toContain('\u001b');
    expect(stdout).not.toContain('\u0007');
    expect(stdout).toContain('\\x1b]0;pwned\\x07\\x1b[2Jgone');
    expect(stdout).toContain('x\\x1b[2Jy');
  });

  it('refuses bad flags', async () => {
    const path = module('ok.mjs', 'export const jobs = { a() {} };');
    expect((await runCli(['worker', path, '--concurrency', '0', ...common()])).code).toBe(2);
    expect((await runCli(['worker', path, '--jobs', 'b', ...common()])).stderr).toContain('--jobs names not in');
    expect((await runCli(['worker', ...common()])).code).toBe(2);
  });
});
