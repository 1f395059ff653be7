// `work job`, `work queues purge` and `work doctor` as an operator runs them.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Enqueuer } from '../../src/engine/enqueuer/enqueuer.js';
import { encodeJob } from '../../src/engine/codec/job.js';
import * as keys from '../../src/engine/codec/keys.js';
import { runCli } from '../support/cli.js';
import { redisUrl, testRedis, type TestRedis } from '../support/redis.js';

let t: TestRedis;
let enqueuer: Enqueuer;
beforeEach(async () => {
  t = await testRedis('jdp');
  enqueuer = new Enqueuer({ redis: t.redis, namespace: t.namespace });
});
afterEach(() => t.cleanup());

const work = (...args: string[]) => runCli([...args, '--redis', redisUrl(), '-n', t.namespace]);

describe('work job ID', () => {
  it('shows a queued job with its place, full args and error; --json; exit 4 when nowhere', async () => {
    const [, job] = await enqueuer.enqueueBulk([{ name: 'mail', args: { to: 'a' } }, { name: 'mail', args: { to: 'b', note: 'x\u001b[2Jy' } }]);
    const shown = await work('job', job!.id);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('queued in mail, 1 job(s) ahead of it');
    expect(shown.stdout).toContain('"to": "b"');
    expect(shown.stdout).toContain('x\\u001b[2Jy'); // JSON escaping keeps it inert in the args
    expect(shown.stdout).not.toContain('\u001b');
    const json = JSON.parse((await work('job', job!.id, '--json')).stdout) as Array<{ where: string; job: { id: string } }>;
    expect(json).toEqual([expect.objectContaining({ where: 'queued', jobName: 'mail', ahead: 1, job: expect.objectContaining({ id: job!.id }) })]);
    const dead = encodeJob({ name: 'mail', id: 'dead-1', enqueuedAt: 1, args: {}, unique: false, fails: 4, lastError: 'line one\nline two', failedAt: 100 });
    await t.redis.zadd(keys.deadKey(t.prefix), 100, dead);
    const deadShown = await work('job', 'dead-1');
    expect(deadShown.stdout).toMatch(/dead since 1970-01-01T00:01:40Z/);
    expect(deadShown.stdout).toMatch(/error +line one\n {11}line two/);
    const missing = await work('job', 'nope');
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain('no job with ID nope');
  });
});

describe('work queues purge NAME', () => {
  it('refuses without a terminal unless --yes, then empties exactly that queue and says how many', async () => {
    await enqueuer.enqueueBulk([...Array.from({ length: 30 }, () => ({ name: 'flaky' })), { name: 'kept' }]);
    const refused = await work('queues', 'purge', 'flaky');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('add --yes');
    expect(await t.redis.llen(keys.queueKey(t.prefix, 'flaky'))).toBe(30);
    const done = await work('queues', 'purge', 'flaky', '--yes', '--json');
    expect(JSON.parse(done.stdout)).toEqual({ jobName: 'flaky', purged: 30, markersReleased: 0 });
    expect(await t.redis.exists(keys.queueKey(t.prefix, 'flaky'))).toBe(0);
    expect(await t.redis.llen(keys.queueKey(t.prefix, 'kept'))).toBe(1);
    expect((await work('queues', 'purge')).code).toBe(2);
    expect((await work('queues', 'bogus')).code).toBe(2);
  });
});

describe('work doctor', () => {
  it('reports each check; exit 0 with warnings only, 1 with --strict or a failed check', async () => {
    const result = await work('doctor');
    expect(result.stdout).toMatch(/^ok +Redis version: Redis \d/m);
    // The test server runs without persistence: a warning, not a failure.
    expect(result.stdout).toMatch(/^WARN +persistence: append-only file off/m);
    expect(result.stdout).toContain('fix: CONFIG SET appendonly yes');
    expect(result.code).toBe(0);
    expect((await work('doctor', '--strict')).code).toBe(1);
    // A lock count above its pools' shares freezes a capped queue: a failure.
    await t.redis.sadd(keys.knownJobsKey(t.prefix), 'capped');
    await t.redis.set(keys.lockKey(t.prefix, 'capped'), '4');
    const drift = await work('doctor', '--json');
    expect(drift.code).toBe(1);
    expect(JSON.parse(drift.stdout)).toContainEqual(expect.objectContaining({ check: 'lock count of capped', level: 'fail' }));
  });
});
