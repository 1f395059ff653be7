// work retry-dead / delete-dead with --error-match and --match: the built CLI
// on the private Redis picks exactly the dead jobs a search finds, reports
// exactly what it did, and a dry run changes nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeJob } from '../../src/engine/codec/job.js';
import * as keys from '../../src/engine/codec/keys.js';
import { runCli } from '../support/cli.js';
import { redisUrl, testRedis, type TestRedis } from '../support/redis.js';

let t: TestRedis;
const work = (...args: string[]) => runCli([...args, '--redis', redisUrl(), '-n', t.namespace], { timeoutMs: 20_000 });
const json = async (...args: string[]) => {
  const result = await work(...args, '--json');
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Record<string, unknown>;
};
const now = () => Math.floor(Date.now() / 1000);

beforeEach(async () => {
  t = await testRedis('filters');
  const pipe = t.redis.pipeline();
  const dead = (name: string, id: string, lastError: string, args: Record<string, unknown> = {}) =>
    pipe.zadd(keys.deadKey(t.prefix), now() - 50, encodeJob({ name, id, enqueuedAt: now() - 100, args, unique: false, fails: 4, lastError, failedAt: now() - 50 }));
  dead('email', 'e1', 'smtp: 421 Try Later');
  dead('email', 'e2', 'SMTP: 421 try later', { to: 'bob@example.com' });
  dead('email', 'e3', 'smtp: 550 no such user', { to: 'ada@example.com' });
  dead('resize', 'r1', 'smtp: 421 try later');
  pipe.zadd(keys.deadKey(t.prefix), now() - 200, 'garbage 421 try later');
  await pipe.exec();
});
afterEach(() => t.cleanup());

const deadIds = async () => (await t.redis.zrange(keys.deadKey(t.prefix), 0, -1)).map((m) => (m.startsWith('{') ? (JSON.parse(m) as { id: string }).id : m)).sort();

describe('retry-dead and delete-dead with search filters', () => {
  it('--dry-run counts the matches and changes nothing', async () => {
    expect(await json('retry-dead', '--job', 'email', '--error-match', '421 TRY', '--dry-run')).toEqual({ dryRun: true, wouldRetry: 2 });
    expect(await json('delete-dead', '--match', 'ada@', '--dry-run')).toEqual({ dryRun: true, wouldDelete: 1 });
    const text = await work('retry-dead', '--error-match', '421', '--dry-run');
    expect(text.stdout).toBe('would retry 3 dead jobs whose error holds "421" (dry run: nothing changed)\n');
    expect(await deadIds()).toEqual(['e1', 'e2', 'e3', 'garbage 421 try later', 'r1']);
  });

  it('retries exactly the matches (name and error combined), and says so', async () => {
    expect(await json('retry-dead', '--job', 'email', '--error-match', '421 try later')).toEqual({ retried: 2, total: 2, left: 0, changed: 0, interrupted: false });
    expect((await t.redis.lrange(keys.queueKey(t.prefix, 'email'), 0, -1)).map((m) => (JSON.parse(m) as { id: string }).id).sort()).toEqual(['e1', 'e2']);
    expect(await deadIds()).toEqual(['e3', 'garbage 421 try later', 'r1']);
    // Any text: the member that is not a job matches too, and is left in dead (and counted).
    const text = await work('retry-dead', '--match', '421');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toBe('retried 1 of 2 dead jobs matching "421"; 1 left in dead (undecodable, or their queue key holds another type)\n');
  });

  it('deletes exactly the matches, never the whole set', async () => {
    expect(await json('delete-dead', '--all', '--error-match', 'no such user')).toEqual({ deleted: 1, total: 1, left: 0, changed: 0, interrupted: false });
    expect(await deadIds()).toEqual(['e1', 'e2', 'garbage 421 try later', 'r1']);
    expect(await json('delete-dead', '--match', 'nothing like it')).toEqual({ deleted: 0, total: 0, left: 0, changed: 0, interrupted: false });
    expect(await t.redis.zcard(keys.deadKey(t.prefix))).toBe(4);
  });

  it('refuses filters with IDs, and empty texts', async () => {
    const withIds = await work('retry-dead', 'e1', '--error-match', '421');
    expect(withIds.code).toBe(2);
    expect(withIds.stderr).toContain('give --error-match or --match without job IDs');
    const empty = await work('delete-dead', '--error-match=');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('--error-match needs a text');
    expect(await t.redis.zcard(keys.deadKey(t.prefix))).toBe(5);
  });
});
