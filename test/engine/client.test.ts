// Client behaviour on data the tests create, against the run's private Redis.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Client } from '../../src/engine/client/client.js';
import { sweep } from '../../src/engine/client/sweep.js';
import { ManualClock } from '../../src/engine/clock.js';
import { Enqueuer } from '../../src/engine/enqueuer/enqueuer.js';
import { InvalidArgumentError, NotDeletedError, NotRetriedError } from '../../src/engine/errors.js';
import { decodeJob, encodeJob, type Job } from '../../src/engine/codec/job.js';
import * as keys from '../../src/engine/codec/keys.js';
import { testRedis, type TestRedis } from '../support/redis.js';
import { waitFor } from '../support/wait.js';

const NOW = 1_800_000_000;
let t: TestRedis;
let clock: ManualClock;
let client: Client;
let enqueuer: Enqueuer;

beforeEach(async () => {
  t = await testRedis('client');
  clock = new ManualClock(NOW * 1000);
  client = new Client({ redis: t.redis, namespace: t.namespace, clock });
  enqueuer = new Enqueuer({ redis: t.redis, namespace: t.namespace, clock });
});

afterEach(async () => {
  await client.close();
  await t.cleanup();
});

function failed(name: string, id: string, at: number, extra: Partial<Job> = {}): string {
  return encodeJob({ name, id, enqueuedAt: at - 10, args: { id }, unique: false, fails: 4, lastError: 'boom', failedAt: at, ...extra });
}

/** n dead jobs named `name`, ids `${name}-<i>`, died at base + i (one ZADD per 1000). */
async function addDead(name: string, n: number, base = NOW - 100_000): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < n; start += 1000) {
    const args: Array<string | number> = [];
    for (let i = start; i < Math.min(n, start + 1000); i++) {
      const id = `${name}-${i}`;
      ids.push(id);
      args.push(base + i, failed(name, id, base + i));
    }
    await t.redis.zadd(keys.deadKey(t.prefix), ...args);
  }
  return ids;
}

const queued = async (name: string): Promise<Job[]> =>
  (await t.redis.lrange(keys.queueKey(t.prefix, name), 0, -1)).map((raw) => decodeJob(raw));

describe('queues', () => {
  it('lists every known job sorted by name with count, latency, pause and concurrency state, in 2 round trips', async () => {
    clock.set((NOW - 30) * 1000);
    await enqueuer.enqueue('b_mail', { n: 1 });
    clock.set((NOW - 10) * 1000);
    await enqueuer.enqueue('b_mail', { n: 2 });
    await enqueuer.enqueueIn('a_later', 60, {});
    await t.redis.set(keys.pausedKey(t.prefix, 'b_mail'), '0'); // any value pauses
    await t.redis.set(keys.lockKey(t.prefix, 'b_mail'), '2');
    await t.redis.set(keys.maxConcurrencyKey(t.prefix, 'b_mail'), '3');
    await t.redis.set(keys.priorityKey(t.prefix, 'b_mail'), '7'); // published by work pools
    await t.redis.lpush(keys.queueKey(t.prefix, 'unknown'), encodeJob({ name: 'unknown', id: 'x', enqueuedAt: 1, args: null, unique: false, fails: 0 }));
    clock.set(NOW * 1000);

    const pipeline = vi.spyOn(t.redis, 'pipeline');
    const smembers = vi.spyOn(t.redis, 'smembers');
    expect(await client.queues()).toEqual([
      { jobName: 'a_later', count: 0, latency: 0, paused: false, running: 0, maxConcurrency: 0, priority: 0, invalidOldest: false },
      { jobName: 'b_mail', count: 2, latency: 30, paused: true, running: 2, maxConcurrency: 3, priority: 7, invalidOldest: false },
    ]);
    expect(pipeline).toHaveBeenCalledTimes(1);
    expect(smembers).toHaveBeenCalledTimes(1);
    vi.restoreAllMocks();
  });

  it('does not crash on an undecodable oldest job (gocraft 16.1.10)', async () => {
    await enqueuer.enqueue('bad', {});
    await t.redis.rpush(keys.queueKey(t.prefix, 'bad'), '{"name":"bad","t":"yesterday"}');
    expect(await client.queues()).toEqual([
      { jobName: 'bad', count: 2, latency: 0, paused: false, running: 0, maxConcurrency: 0, priority: 0, invalidOldest: true },
    ]);
  });

  it('returns nothing for an empty namespace', async () => {
    expect(await client.queues()).toEqual([]);
    expect(await client.workerPoolHeartbeats()).toEqual([]);
    expect(await client.workerObservations()).toEqual([]);
    expect(await client.stats()).toEqual([]);
  });
});

describe('worker pools and observations', () => {
  beforeEach(async () => {
    const p = t.prefix;
    await t.redis.sadd(keys.workerPoolsKey(p), 'pool_b', 'pool_a', 'pool_gone', 'pool_bad');
    await t.redis.hset(keys.heartbeatKey(p, 'pool_a'), {
      heartbeat_at: NOW,
      started_at: NOW - 60,
      job_names: 'z,y',
      concurrency: 2,
      worker_ids: 'wa2,wa1',
      host: 'h1',
      pid: 11,
    });
    await t.redis.hset(keys.heartbeatKey(p, 'pool_b'), {
      heartbeat_at: NOW - 5,
      started_at: NOW - 50,
      job_names: 'y',
      concurrency: 1,
      worker_ids: 'wb1',
      host: 'h2',
      pid: 12,
    });
    await t.redis.hset(keys.heartbeatKey(p, 'pool_bad'), { heartbeat_at: 'now', job_names: 'y', worker_ids: 'wx1' });
    await t.redis.hset(keys.observationKey(p, 'wa2'), {
      job_name: 'z',
      job_id: 'j1',
      started_at: NOW - 3,
      args: '{"a":1}',
      checkin: 'half way',
      checkin_at: NOW - 1,
    });
  });

  it('lists every registered pool sorted by id, keeping a missing or broken hash visible', async () => {
    const pools = await client.workerPoolHeartbeats();
    expect(pools.map((h) => h.poolId)).toEqual(['pool_a', 'pool_b', 'pool_bad', 'pool_gone']);
    expect(pools[0]).toEqual({
      poolId: 'pool_a',
      startedAt: NOW - 60,
      heartbeatAt: NOW,
      jobNames: ['y', 'z'],
      concurrency: 2,
      host: 'h1',
      pid: 11,
      workerIds: ['wa1', 'wa2'],
    });
    expect(pools[2]).toMatchObject({ heartbeatAt: 0, jobNames: ['y'], workerIds: ['wx1'], invalid: 'unparsable heartbeat_at "now"' });
    expect(pools[3]).toMatchObject({ workerIds: [], invalid: 'heartbeat hash is missing' });
  });

  it('observes every listed worker in pool then worker order; busy ones carry their job', async () => {
    const obs = await client.workerObservations();
    expect(obs.map((o) => [o.poolId, o.workerId, o.isBusy])).toEqual([
      ['pool_a', 'wa1', false],
      ['pool_a', 'wa2', true],
      ['pool_b', 'wb1', false],
      ['pool_bad', 'wx1', false],
    ]);
    expect(obs[1]).toEqual({
      workerId: 'wa2',
      poolId: 'pool_a',
      isBusy: true,
      jobName: 'z',
      jobId: 'j1',
      startedAt: NOW - 3,
      argsJson: '{"a":1}',
      checkin: 'half way',
      checkinAt: NOW - 1,
    });
  });
});

describe('scheduled, retry and dead pages', () => {
  it('pages 20 at a time in ascending score, page 0 meaning 1, with the total count', async () => {
    await addDead('d', 45);
    const one = await client.deadJobs(1);
    expect(one.count).toBe(45);
    expect(one.jobs.map((j) => j.id)).toEqual(Array.from({ length: 20 }, (_, i) => `d-${i}`));
    expect((await client.deadJobs(0)).jobs).toEqual(one.jobs);
    expect((await client.deadJobs(3)).jobs.map((j) => j.id)).toEqual(['d-40', 'd-41', 'd-42', 'd-43', 'd-44']);
    expect((await client.deadJobs(4)).jobs).toEqual([]);
    const first = one.jobs[0]!;
    expect(first).toMatchObject({ name: 'd', fails: 4, lastError: 'boom', score: NOW - 100_000 });
    expect(first.raw).toBe(failed('d', 'd-0', NOW - 100_000));
  });

  it('pages the scheduled and retry sets the same way', async () => {
    const s = await enqueuer.enqueueIn('later', 90, { x: 1 });
    await t.redis.zadd(keys.retryKey(t.prefix), NOW + 30, failed('r', 'r1', NOW));
    expect(await client.scheduledJobs()).toMatchObject({ count: 1, jobs: [{ id: s.job.id, score: NOW + 90, args: { x: 1 } }] });
    expect(await client.retryJobs()).toMatchObject({ count: 1, jobs: [{ id: 'r1', score: NOW + 30, fails: 4 }] });
  });

  it('shows undecodable members with the reason instead of failing the page', async () => {
    await addDead('d', 2);
    await t.redis.zadd(keys.deadKey(t.prefix), NOW - 100_000, 'garbage', NOW - 99_999, '{"name":"d","t":1.5}');
    const page = await client.deadJobs(1);
    expect(page.count).toBe(4);
    const bad = page.jobs.filter((j) => j.invalid !== undefined);
    expect(bad.map((j) => j.raw).sort()).toEqual(['garbage', '{"name":"d","t":1.5}']);
    expect(bad.every((j) => j.id === '' && /invalid job/.test(j.invalid!))).toBe(true);
  });

  it('counts and pages by job name', async () => {
    await addDead('a', 30, NOW - 1000);
    await addDead('b', 25, NOW - 1010); // interleaved scores
    await t.redis.zadd(keys.deadKey(t.prefix), NOW - 995, 'garbage mentioning b');
    const b1 = await client.deadJobs(1, { jobName: 'b' });
    expect(b1.count).toBe(25);
    expect(b1.jobs.map((j) => j.id)).toEqual(Array.from({ length: 20 }, (_, i) => `b-${i}`));
    expect((await client.deadJobs(2, { jobName: 'b' })).jobs.map((j) => j.id)).toEqual(['b-20', 'b-21', 'b-22', 'b-23', 'b-24']);
    expect(await client.deadJobs(1, { jobName: 'nope' })).toEqual({ count: 0, jobs: [] });
  });
});

describe('findJob', () => {
  it('finds a job by id alone in whichever set holds it', async () => {
    const s = await enqueuer.enqueueIn('later', 60, {});
    await t.redis.zadd(keys.retryKey(t.prefix), NOW + 5, failed('r', 'r1', NOW));
    await addDead('d', 3);
    expect(await client.findJob(s.job.id)).toMatchObject({ set: 'scheduled', score: NOW + 60, job: { id: s.job.id } });
    expect(await client.findJob('r1')).toMatchObject({ set: 'retry', score: NOW + 5, job: { name: 'r', fails: 4 } });
    const d = await client.findJob('d-2');
    expect(d).toMatchObject({ set: 'dead', score: NOW - 100_000 + 2, raw: failed('d', 'd-2', NOW - 100_000 + 2) });
    expect(await client.findJob('d-2', { score: NOW - 100_000 + 2 })).toEqual(d);
    expect(await client.findJob('d-2', { score: 1 })).toEqual(d); // a stale hint falls back to the scan
    expect(await client.findJob('missing')).toBeUndefined();
  });

  it('matches the id field only, not an arg that happens to hold it', async () => {
    await t.redis.zadd(keys.deadKey(t.prefix), 1, encodeJob({ name: 'd', id: 'other', enqueuedAt: 1, args: { ref: 'target' }, unique: false, fails: 1 }));
    expect(await client.findJob('target')).toBeUndefined();
  });

  it('finds ids with glob characters, and ids other encoders write differently, in a large set', async () => {
    await addDead('bulk', 3000);
    const odd = 'x*y?[z]\\';
    await t.redis.zadd(keys.deadKey(t.prefix), 5, encodeJob({ name: 'o', id: odd, enqueuedAt: 1, args: null, unique: false, fails: 1 }));
    // cjson (gocraft's Lua) writes '/' as '\/' and keys in any order.
    const periodicId = 'periodic:pj:*/2 * * * *:1795408320';
    await t.redis.zadd(keys.deadKey(t.prefix), 6, '{"t":1795408320,"id":"periodic:pj:*\\/2 * * * *:1795408320","name":"pj","args":null}');
    expect(await client.findJob(odd)).toMatchObject({ set: 'dead', score: 5, job: { name: 'o' } });
    expect(await client.findJob(periodicId)).toMatchObject({ set: 'dead', score: 6, job: { name: 'pj', id: periodicId } });
    expect(await client.findJob('bulk-2999')).toMatchObject({ set: 'dead' });
    expect(await client.findJob('x*')).toBeUndefined(); // no glob leaks through
  });
});

describe('deleting one job', () => {
  it('removes the exact member from dead and retry; nothing found is NotDeletedError', async () => {
    await addDead('d', 3);
    await t.redis.zadd(keys.retryKey(t.prefix), NOW + 5, failed('r', 'r1', NOW));
    await client.deleteDeadJob('d-1');
    expect((await client.deadJobs()).jobs.map((j) => j.id)).toEqual(['d-0', 'd-2']);
    await client.deleteRetryJob('r1', { score: NOW + 5 });
    expect(await t.redis.zcard(keys.retryKey(t.prefix))).toBe(0);

    const error = await client.deleteDeadJob('d-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotDeletedError);
    expect(error).not.toBeInstanceOf(NotRetriedError);
    await expect(client.deleteRetryJob('d-0')).rejects.toBeInstanceOf(NotDeletedError); // wrong set
    await expect(client.deleteScheduledJob('nope')).rejects.toBeInstanceOf(NotDeletedError);
  });

  it('frees the unique marker named by unique_key when deleting a scheduled unique job (by key too)', async () => {
    const byArgs = (await enqueuer.enqueueUniqueIn('u', 60, { a: 1 }))!;
    const byKey = (await enqueuer.enqueueUniqueInByKey('k', 60, { v: 1 }, { key: 'x' }))!;
    expect(await enqueuer.enqueueUniqueInByKey('k', 60, { v: 2 }, { key: 'x' })).toBeNull();
    expect(await t.redis.exists(byArgs.job.uniqueKey!, byKey.job.uniqueKey!)).toBe(2);

    await client.deleteScheduledJob(byKey.job.id);
    expect(await t.redis.exists(byKey.job.uniqueKey!)).toBe(0);
    expect(await t.redis.exists(byArgs.job.uniqueKey!)).toBe(1);
    await client.deleteScheduledJob(byArgs.job.id);
    expect(await t.redis.exists(byArgs.job.uniqueKey!)).toBe(0);
    expect(await enqueuer.enqueueUniqueIn('u', 60, { a: 1 })).not.toBeNull();
  });

  it('recomputes the marker of a v0.5.1 unique job from its raw args, big integers intact (gocraft 16.1.4)', async () => {
    const raw = '{"name":"u","id":"old1","t":1,"args":{"id":123456789012345678,"s":"\\u003cx\\u003e"},"unique":true}';
    const marker = keys.uniqueKey(t.prefix, 'u', '{"id":123456789012345678,"s":"\\u003cx\\u003e"}\n');
    await t.redis.zadd(keys.scheduledKey(t.prefix), NOW + 60, raw);
    await t.redis.set(marker, '1', 'EX', 86_400);
    await client.deleteScheduledJob('old1');
    expect(await t.redis.exists(marker)).toBe(0);
  });

  it('ignores a unique_key that points outside the job\'s own markers', async () => {
    const foreign = `${t.prefix}important`;
    await t.redis.set(foreign, 'keep');
    const raw = encodeJob({ name: 'u', id: 'evil', enqueuedAt: 1, args: null, unique: true, uniqueKey: foreign, fails: 0 });
    await t.redis.zadd(keys.scheduledKey(t.prefix), NOW, raw);
    await t.redis.set(keys.uniqueKey(t.prefix, 'u', ''), '1');
    await client.deleteScheduledJob('evil');
    expect(await t.redis.get(foreign)).toBe('keep');
    expect(await t.redis.exists(keys.uniqueKey(t.prefix, 'u', ''))).toBe(0);
  });
});

describe('retryDeadJob', () => {
  it('moves the job to its queue with failure fields cleared and t = now, registering the name', async () => {
    await addDead('fresh_name', 2);
    await client.retryDeadJob('fresh_name-1');
    const [job] = await queued('fresh_name');
    expect(job).toEqual({ name: 'fresh_name', id: 'fresh_name-1', enqueuedAt: NOW, args: { id: 'fresh_name-1' }, unique: false, fails: 0 });
    expect(await t.redis.lrange(keys.queueKey(t.prefix, 'fresh_name'), 0, -1)).toEqual([
      `{"name":"fresh_name","id":"fresh_name-1","t":${NOW},"args":{"id":"fresh_name-1"}}`,
    ]);
    expect(await t.redis.sismember(keys.knownJobsKey(t.prefix), 'fresh_name')).toBe(1);
    expect((await client.deadJobs()).jobs.map((j) => j.id)).toEqual(['fresh_name-0']);
  });

  it('throws NotRetriedError (not NotDeletedError) when there is nothing to retry', async () => {
    const error = await client.retryDeadJob('nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotRetriedError);
    expect(error).not.toBeInstanceOf(NotDeletedError);
    await t.redis.zadd(keys.deadKey(t.prefix), 1, '{"id":"anon","t":1,"args":null}');
    await expect(client.retryDeadJob('anon')).rejects.toBeInstanceOf(NotRetriedError);
    expect(await t.redis.zcard(keys.deadKey(t.prefix))).toBe(1);
  });
});

describe('jobs whose queue key holds another type', () => {
  // A job named "a:paused" has a's pause flag (a string) as its queue key.
  // Moving it used to ZREM it and then fail on LPUSH: the job was lost.
  const odd = (id: string, at: number) => failed('a:paused', id, at);

  beforeEach(async () => {
    await t.redis.set(keys.pausedKey(t.prefix, 'a'), '1');
  });

  it('are left in dead by retryDeadJob, which says why', async () => {
    await t.redis.zadd(keys.deadKey(t.prefix), NOW - 5, odd('j1', NOW - 5));
    await expect(client.retryDeadJob('j1')).rejects.toThrow(/holds another type/);
    await expect(client.retryDeadJob('j1')).rejects.toBeInstanceOf(NotRetriedError);
    expect(await t.redis.zrange(keys.deadKey(t.prefix), 0, -1)).toEqual([odd('j1', NOW - 5)]);
  });

  it('do not stop retryAllDeadJobs, even among many jobs with the same score', async () => {
    const members: Array<string | number> = [];
    for (let i = 0; i < 1200; i++) members.push(NOW - 5, failed('ok', `ok-${i}`, NOW - 5));
    members.push(NOW - 5, odd('j1', NOW - 5), NOW - 5, odd('j2', NOW - 5));
    await t.redis.zadd(keys.deadKey(t.prefix), ...members);
    expect(await client.retryAllDeadJobs({ batchSize: 500 })).toEqual({ retried: 1200, total: 1202, left: 2, changed: 0, aborted: false });
    expect(await t.redis.llen(keys.queueKey(t.prefix, 'ok'))).toBe(1200);
    expect(await t.redis.zcard(keys.deadKey(t.prefix))).toBe(2);
  });
});

describe('retryAllDeadJobs', () => {
  it('moves 2,500 dead jobs in batches of 1000, each exactly once, reporting progress', async () => {
    const ids = await addDead('bulk', 2500);
    const progress: Array<{ done: number; total: number }> = [];
    const result = await client.retryAllDeadJobs({ batchSize: 1000, onProgress: (p) => progress.push(p) });
    expect(result).toEqual({ retried: 2500, total: 2500, left: 0, changed: 0, aborted: false });
    expect(progress).toEqual([
      { done: 1000, total: 2500 },
      { done: 2000, total: 2500 },
      { done: 2500, total: 2500 },
    ]);
    const jobs = await queued('bulk');
    expect(jobs).toHaveLength(2500);
    expect(new Set(jobs.map((j) => j.id))).toEqual(new Set(ids));
    expect(jobs.every((j) => j.fails === 0 && j.lastError === undefined && j.enqueuedAt === NOW)).toBe(true);
    expect(await t.redis.zcard(keys.deadKey(t.prefix))).toBe(0);
  });

  it('retries only the named jobs when given a name, walking past the others', async () => {
    await addDead('a', 1300, NOW - 10_000);
    await addDead('b', 1200, NOW - 10_500); // interleaved with a
    const result = await client.retryAllDeadJobs({ jobName: 'a', batchSize: 1000 });
    expect(result).toEqual({ retried: 1300, total: 1300, left: 0, changed: 0, aborted: false });
    expect(await t.redis.llen(keys.queueKey(t.prefix, 'a'))).toBe(1300);
    expect(await t.redis.llen(keys.queueKey(t.prefix, 'b'))).toBe(0);
    expect(await t.redis.zcard(keys.deadKey(t.prefix))).toBe(1200);
  });

  it('is not stopped by a first batch of undecodable members (gocraft 16.1.7)', async () => {
    const junk: Array<string | number> = [];
    for (let i = 0; i < 1500; i++) junk.push(1, `junk-${i}`);
    await t.redis.zadd(keys.deadKey(t.prefix), ...junk);
    await addDead('ok', 500);
    const result = await client.retryAllDeadJobs({ batchSize: 1000 });
    expect(result).toEqual({ retried: 500, total: 2000, left: 1500, changed: 0, aborted: false });
    expect(await t.redis.llen(keys.queueKey(t.prefix, 'ok'))).toBe(500);
    expect(await t.redis.zcard(keys.deadKey(t.prefix))).toBe(1500);
  });

  it('stops cleanly between batches when aborted', async () => {
    await addDead('bulk', 2500);
    const controller = new AbortController();
    const result = await client.retryAllDeadJobs({
      batchSize: 1000,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    expect(result).toEqual({ retried: 1000, total: 1000, left: 0, changed: 0, aborted: true });
    expect(await t.redis.llen(keys.queueKey(t.prefix, 'bulk'))).toBe(1000);
    expect(await t.redis.zcard(keys.deadKey(t.prefix))).toBe(1500);
    expect(await client.retryAllDeadJobs({ signal: controller.signal })).toEqual({ retried: 0, total: 0, left: 0, changed: 0, aborted: true });
    // A later run picks up the rest.
    expect(await client.retryAllDeadJobs()).toMatchObject({ retried: 1500 });
  });

  it('retries jobs whose scores are hours ahead of this host\'s clock, as the set holds them', async () => {
    await addDead('old', 3, NOW - 10);
    await addDead('ahead', 1000, NOW + 3 * 3600); // written by a pool whose clock runs three hours ahead
    expect(await client.retryAllDeadJobs()).toEqual({ retried: 1003, total: 1003, left: 0, changed: 0, aborted: false });
    expect(await t.redis.zcard(keys.deadKey(t.prefix))).toBe(0);
    expect(await t.redis.llen(keys.queueKey(t.prefix, 'ahead'))).toBe(1000);
  });

  it('does not retry again a job that dies again while it runs, so it ends and reports the set it began with', async () => {
    const ids = await addDead('flaky', 2000, NOW - 5000);
    let again = 0;
    const result = await client.retryAllDeadJobs({
      batchSize: 500,
      onProgress: async ({ done }) => {
        if (done !== 500) return;
        // Workers fail the first batch straight back into dead, at scores the walk has yet to reach.
        const members = ids.slice(0, 500).flatMap((id) => [NOW - 100, failed('flaky', id, NOW - 100, { fails: 1, lastError: 'again' })]);
        again = await t.redis.zadd(keys.deadKey(t.prefix), ...members);
      },
    });
    expect(again).toBe(500);
    expect(result).toEqual({ retried: 2000, total: 2000, left: 0, changed: 0, aborted: false });
    expect(await t.redis.llen(keys.queueKey(t.prefix, 'flaky'))).toBe(2000);
    const stillDead = (await t.redis.zrange(keys.deadKey(t.prefix), 0, -1)).map((raw) => decodeJob(raw));
    expect(stillDead).toHaveLength(500);
    expect(stillDead.every((j) => j.lastError === 'again')).toBe(true);
  });

  it('reports jobs someone else took meanwhile as changed, never as retried', async () => {
    const ids = await addDead('shared', 1500, NOW - 5000);
    const result = await client.retryAllDeadJobs({
      batchSize: 500,
      onProgress: async ({ done }) => {
        // Another operator deletes 200 jobs the walk has not reached yet.
        if (done === 500) await t.redis.zrem(keys.deadKey(t.prefix), ...ids.slice(1000, 1200).map((id, i) => failed('shared', id, NOW - 5000 + 1000 + i)));
      },
    });
    expect(result.retried).toBe(await t.redis.llen(keys.queueKey(t.prefix, 'shared')));
    expect(result).toEqual({ retried: 1300, total: 1500, left: 0, changed: 200, aborted: false });
  });

  it('fills each queue in walk order, as one push per job would, with several queues and a refused one per batch', async () => {
    await t.redis.set(keys.pausedKey(t.prefix, 'x'), '1'); // the queue key of "x:paused"
    const members: Array<string | number> = [];
    for (let i = 0; i < 2600; i++) {
      const name = i % 97 === 0 ? 'x:paused' : i % 4 === 3 ? 'b' : 'a'; // over 500 a jobs per batch
      members.push(NOW - 5000 + Math.floor(i / 3), failed(name, `${name}-${i}`, NOW - 5000));
    }
    await t.redis.zadd(keys.deadKey(t.prefix), ...members);
    const walkOrder = (await t.redis.zrange(keys.deadKey(t.prefix), 0, -1)).map((raw) => decodeJob(raw));
    const refused = walkOrder.filter((j) => j.name === 'x:paused').length;
    expect(await client.retryAllDeadJobs({ batchSize: 1000 })).toEqual({ retried: 2600 - refused, total: 2600, left: refused, changed: 0, aborted: false });
    for (const name of ['a', 'b']) {
      const expected = walkOrder.filter((j) => j.name === name).map((j) => j.id).reverse(); // LPUSH: the last pushed is first
      expect((await queued(name)).map((j) => j.id)).toEqual(expected);
    }
    expect((await t.redis.smembers(keys.knownJobsKey(t.prefix))).sort()).toEqual(['a', 'b']);
    expect(await t.redis.zcard(keys.deadKey(t.prefix))).toBe(refused);
  });

  it('never duplicates a job when two run at once', async () => {
    const ids = await addDead('race', 3000);
    const other = new Client({ redis: t.connect(), namespace: t.namespace, clock });
    const [a, b] = await Promise.all([
      client.retryAllDeadJobs({ batchSize: 250 }),
      other.retryAllDeadJobs({ batchSize: 300 }),
    ]);
    await other.close();
    expect(a.retried + b.retried).toBe(3000);
    const jobs = await queued('race');
    expect(jobs.map((j) => j.id).sort()).toEqual([...ids].sort());
  });
});

describe('deleteAllDeadJobs', () => {
  it('unlinks the whole dead set and says how many it held', async () => {
    await addDead('d', 1200);
    // Record which commands the client queues on its MULTI.
    const used: string[] = [];
    const multi = t.redis.multi.bind(t.redis);
    vi.spyOn(t.redis, 'multi').mockImplementation(((...args: Parameters<typeof multi>) => {
      const m = multi(...args) as unknown as Record<string, (...a: unknown[]) => unknown>;
      for (const name of ['del', 'unlink']) {
        const original = m[name]!.bind(m);
        m[name] = (...a: unknown[]) => {
          used.push(name);
          return original(...a);
        };
      }
      return m;
    }) as unknown as typeof t.redis.multi);
    expect(await client.deleteAllDeadJobs()).toEqual({ deleted: 1200, total: 1200, left: 0, changed: 0, aborted: false });
    vi.restoreAllMocks();
    expect(await t.redis.exists(keys.deadKey(t.prefix))).toBe(0);
    expect(used).toEqual(['unlink']);
  });

  it('deletes only the named jobs in batches, and stops when aborted', async () => {
    await addDead('a', 1500, NOW - 10_000);
    await addDead('b', 700, NOW - 10_300);
    expect(await client.deleteAllDeadJobs({ jobName: 'b', batchSize: 500 })).toEqual({ deleted: 700, total: 700, left: 0, changed: 0, aborted: false });
    expect(await t.redis.zcard(keys.deadKey(t.prefix))).toBe(1500);

    const controller = new AbortController();
    const result = await client.deleteAllDeadJobs({ jobName: 'a', batchSize: 1000, signal: controller.signal, onProgress: () => controller.abort() });
    expect(result).toEqual({ deleted: 1000, total: 1000, left: 0, changed: 0, aborted: true });
    expect(await t.redis.zcard(keys.deadKey(t.prefix))).toBe(500);
  });
});

describe('pause, unpause and stats', () => {
  it('sets and deletes the pause key, and unpausing wakes idle pools', async () => {
    const paused = keys.pausedKey(t.prefix, 'mail');
    await client.pauseQueue('mail');
    expect(await t.redis.get(paused)).toBe('1');
    expect((await client.queues()).length).toBe(0); // pausing does not register a name

    const subscriber = t.connect();
    const messages: string[] = [];
    subscriber.on('message', (_channel: string, message: string) => messages.push(message));
    await subscriber.subscribe(keys.wakeChannel(t.prefix));
    await client.unpauseQueue('mail');
    expect(await t.redis.exists(paused)).toBe(0);
    await waitFor(() => messages.includes('mail'), { message: 'wake message' });

    await expect(client.pauseQueue('a:b')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(client.unpauseQueue('')).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('reads the processed and failed counters per job name', async () => {
    await t.redis.hset(keys.processedCountKey(t.prefix), { b: '7', a: '3' });
    await t.redis.hset(keys.failedCountKey(t.prefix), { b: '2', c: '1' });
    expect(await client.stats()).toEqual([
      { jobName: 'a', processed: 3, failed: 0 },
      { jobName: 'b', processed: 7, failed: 2 },
      { jobName: 'c', processed: 0, failed: 1 },
    ]);
  });

  it('counts the three job sets in one call and reads server info', async () => {
    await addDead('d', 3);
    await enqueuer.enqueueIn('later', 60, {});
    expect(await client.setCounts()).toEqual({ scheduled: 1, retry: 0, dead: 3 });
    const info = await client.serverInfo();
    expect(info.version).toMatch(/^\d+\.\d+/);
    expect(info.connectedClients).toBeGreaterThan(0);
  });

  it('leaves a shared connection open on close', async () => {
    await client.close();
    expect(await t.redis.ping()).toBe('PONG');
  });
});

describe('the batched walk under concurrent changes', () => {
  it('restarts when members it walked past vanish or appear, and still handles each match once', async () => {
    await addDead('a', 50, NOW - 1000);
    await addDead('b', 50, NOW - 1000); // same scores as the a jobs: ties ordered by bytes
    let changed = false;
    const result = await client.deleteAllDeadJobs({
      jobName: 'a',
      batchSize: 10,
      onProgress: () => {
        if (changed) return;
        changed = true;
        // The first batch was a-0, b-0 … a-4, b-4 (ties sort by bytes). b-4, the
        // last member left behind, goes, so the walk must restart from the top,
        // where a new a job has arrived meanwhile.
        void t.redis.zrem(keys.deadKey(t.prefix), failed('b', 'b-4', NOW - 1000 + 4));
        void t.redis.zadd(keys.deadKey(t.prefix), 1, failed('a', 'a-late', 1));
      },
    });
    expect(result).toEqual({ deleted: 51, total: 51, left: 0, changed: 0, aborted: false });
    const left = (await t.redis.zrange(keys.deadKey(t.prefix), 0, -1)).map((raw) => decodeJob(raw).id);
    expect(left).toHaveLength(49);
    expect(left.every((id) => id.startsWith('b-') && id !== 'b-4')).toBe(true);
  });

  it('ends even if the action removes nothing, with many members at one score', async () => {
    const members = Array.from({ length: 35 }, (_, i) => [NOW, failed('stuck', `s-${i}`, NOW)]).flat();
    await t.redis.zadd(keys.deadKey(t.prefix), ...members);
    const result = await sweep(t.redis, {
      key: keys.deadKey(t.prefix),
      max: '+inf',
      batchSize: 10,
      judge: () => 'take',
      act: async () => 0,
    });
    expect(result.acted).toBe(0);
    expect(await t.redis.zcard(keys.deadKey(t.prefix))).toBe(35);
  });
});
