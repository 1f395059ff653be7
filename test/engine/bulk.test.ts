// Acting on the matches of any set (client/bulk.ts): retry and scheduled jobs
// moved onto their queues now or deleted, in batches, with the same truth
// rule as the dead set's repairs (moved + left + changed = total). On the
// run's private Redis.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client } from '../../src/engine/client/client.js';
import { ManualClock } from '../../src/engine/clock.js';
import { decodeJob, encodeJob, type Job } from '../../src/engine/codec/job.js';
import * as keys from '../../src/engine/codec/keys.js';
import { Enqueuer } from '../../src/engine/enqueuer/enqueuer.js';
import { testRedis, type TestRedis } from '../support/redis.js';

const NOW = 1_800_000_000;
let t: TestRedis;
let client: Client;
let enqueuer: Enqueuer;

beforeEach(async () => {
  t = await testRedis('bulk');
  const clock = new ManualClock(NOW * 1000);
  client = new Client({ redis: t.redis, namespace: t.namespace, clock });
  enqueuer = new Enqueuer({ redis: t.redis, namespace: t.namespace, clock });
});

afterEach(async () => {
  await client.close();
  await t.cleanup();
});

const job = (i: number, over: Partial<Job> = {}): Job => ({ name: 'send_email', id: `r${String(i).padStart(4, '0')}`, enqueuedAt: NOW - 600, args: { n: i }, unique: false, fails: 2, lastError: 'smtp: 421 try later', failedAt: NOW - 60, ...over });

/** `count` members of a set at scores NOW + i; `special` (index → job fields) stand out. */
async function seed(key: string, count: number, special: Record<number, Partial<Job>> = {}): Promise<string[]> {
  const raws: string[] = [];
  const args: Array<string | number> = [];
  for (let i = 0; i < count; i++) {
    const raw = encodeJob(job(i, special[i]));
    raws.push(raw);
    args.push(NOW + i, raw);
  }
  await t.redis.zadd(key, ...args);
  return raws;
}

const queued = async (name: string): Promise<Job[]> => (await t.redis.lrange(keys.queueKey(t.prefix, name), 0, -1)).map((raw) => decodeJob(raw));

describe('runAllJobsNow', () => {
  it('moves exactly the retry jobs that match onto their queues, fails and error kept, t = now', async () => {
    const retry = keys.retryKey(t.prefix);
    await seed(retry, 30, { 4: { lastError: 'disk QUOTA' }, 17: { lastError: 'quota exceeded' }, 22: { name: 'resize', lastError: 'quota' } });
    await t.redis.zadd(retry, NOW + 100, 'garbage quota{');
    const r = await client.runAllJobsNow('retry', { jobName: 'send_email', errorMatch: 'quota', batchSize: 4 });
    expect(r).toEqual({ moved: 2, total: 2, left: 0, changed: 0, aborted: false });
    const moved = await queued('send_email');
    expect(moved.map((j) => j.id).sort()).toEqual(['r0004', 'r0017']);
    expect(moved.every((j) => j.fails === 2 && j.lastError !== undefined && j.enqueuedAt === NOW)).toBe(true);
    expect(await t.redis.sismember(keys.knownJobsKey(t.prefix), 'send_email')).toBe(1);
    expect(await t.redis.zcard(retry)).toBe(29);

    // A text match on a member that is not a job: it stays where it is (never filed to dead), counted as left.
    const text = await client.runAllJobsNow('retry', { text: 'quota' });
    expect(text).toEqual({ moved: 1, total: 2, left: 1, changed: 0, aborted: false });
    expect(await t.redis.zscore(retry, 'garbage quota{')).not.toBeNull();
    expect(await t.redis.zcard(keys.deadKey(t.prefix))).toBe(0);
  });

  it('moves every scheduled job without a query, reports the ones someone else took as changed, and stops when aborted', async () => {
    const scheduled = keys.scheduledKey(t.prefix);
    const raws = await seed(scheduled, 1500, {});
    const r = await client.runAllJobsNow('scheduled', {
      batchSize: 500,
      onProgress: async ({ done }) => {
        // Another operator deletes 200 jobs the walk has not reached yet.
        if (done === 500) await t.redis.zrem(scheduled, ...raws.slice(1000, 1200));
      },
    });
    expect(r).toEqual({ moved: 1300, total: 1500, left: 0, changed: 200, aborted: false });
    expect(await t.redis.llen(keys.queueKey(t.prefix, 'send_email'))).toBe(1300);

    await seed(scheduled, 1000);
    const stop = new AbortController();
    const stopped = await client.runAllJobsNow('scheduled', { batchSize: 100, signal: stop.signal, onProgress: ({ done }) => done >= 300 && stop.abort() });
    expect(stopped.aborted).toBe(true);
    expect(stopped.moved).toBe(1000 - (await t.redis.zcard(scheduled)));
    expect(stopped.moved).toBeGreaterThanOrEqual(300);
    expect(stopped.moved).toBeLessThan(1000);
  });

  it('moves a job at most once in a run, even when it lands in the set again meanwhile', async () => {
    const retry = keys.retryKey(t.prefix);
    await seed(retry, 10);
    const r = await client.runAllJobsNow('retry', {
      batchSize: 2,
      onProgress: async ({ done }) => {
        // r0000 failed again at once: back in retry, ahead of the walk.
        if (done === 2) await t.redis.zadd(retry, NOW + 5, encodeJob(job(0, { fails: 3 })));
      },
    });
    expect(r.moved).toBe(10);
    expect((await t.redis.zrange(retry, 0, -1)).map((raw) => decodeJob(raw).id)).toEqual(['r0000']);
  });
});

describe('deleteAllJobs', () => {
  it('deletes the scheduled jobs that match and frees the uniqueness markers of those it removed only', async () => {
    const doomed = (await enqueuer.enqueueUniqueIn('report', 60, { month: 'may' }))!;
    const kept = (await enqueuer.enqueueUniqueIn('report', 60, { month: 'june' }))!;
    await seed(keys.scheduledKey(t.prefix), 5, { 2: { args: { month: 'may' } } });
    const r = await client.deleteAllJobs('scheduled', { text: 'may', batchSize: 2 });
    expect(r).toEqual({ deleted: 2, total: 2, left: 0, changed: 0, aborted: false });
    expect(await t.redis.exists(doomed.job.uniqueKey!)).toBe(0);
    expect(await t.redis.exists(kept.job.uniqueKey!)).toBe(1);
    expect(await t.redis.zcard(keys.scheduledKey(t.prefix))).toBe(5);
    expect(await enqueuer.enqueueUniqueIn('report', 60, { month: 'may' })).not.toBeNull();
  });

  it('without a query deletes every member of the retry set in batches, undecodable ones too', async () => {
    const retry = keys.retryKey(t.prefix);
    await seed(retry, 25);
    await t.redis.zadd(retry, NOW, Buffer.from([0x7b, 0xff, 0xfe]));
    const steps: number[] = [];
    const r = await client.deleteAllJobs('retry', { batchSize: 10, onProgress: ({ done }) => steps.push(done) });
    expect(r).toEqual({ deleted: 26, total: 26, left: 0, changed: 0, aborted: false });
    expect(steps).toEqual([10, 20, 26]);
    expect(await t.redis.exists(retry)).toBe(0);
  });

  it('deleteAllDeadJobs is the dead set case: the whole set at once without a query', async () => {
    await seed(keys.deadKey(t.prefix), 12);
    expect(await client.deleteAllJobs('dead', { errorMatch: 'nope' })).toMatchObject({ deleted: 0, total: 0 });
    expect(await client.deleteAllDeadJobs()).toEqual({ deleted: 12, total: 12, left: 0, changed: 0, aborted: false });
  });
});
