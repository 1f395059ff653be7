// The Client's whole-set reads and queue repairs: streamed listings, finding
// one job wherever it is, and purging a queue.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client } from '../../src/engine/client/client.js';
import { Enqueuer } from '../../src/engine/enqueuer/enqueuer.js';
import { encodeJob } from '../../src/engine/codec/job.js';
import * as keys from '../../src/engine/codec/keys.js';
import { namespaceKeys, testRedis, type TestRedis } from '../support/redis.js';

let t: TestRedis;
let client: Client;
let enqueuer: Enqueuer;

beforeEach(async () => {
  t = await testRedis('lookup');
  client = new Client({ redis: t.redis, namespace: t.namespace });
  enqueuer = new Enqueuer({ redis: t.redis, namespace: t.namespace });
});

afterEach(async () => {
  await t.cleanup();
});

const dead = (name: string, id: string, at: number): string =>
  encodeJob({ name, id, enqueuedAt: at, args: { id }, unique: false, fails: 1, lastError: 'x', failedAt: at });

describe('streamJobs', () => {
  it('yields every member in score order, in batches, name filter and undecodable members included', async () => {
    const members: Array<string | number> = [];
    for (let i = 0; i < 2500; i++) members.push(i, dead(i % 5 === 0 ? 'b' : 'a', `j${i}`, i));
    members.push(1200.5, 'not a job');
    await t.redis.zadd(keys.deadKey(t.prefix), ...members);
    const all = [];
    for await (const entry of client.streamJobs('dead', { batchSize: 300 })) all.push(entry);
    expect(all).toHaveLength(2501);
    expect(all.map((e) => e.score)).toEqual([...all.map((e) => e.score)].sort((x, y) => x - y));
    expect(all.find((e) => e.score === 1200.5)?.invalid).toMatch(/not JSON/);
    const named = [];
    for await (const entry of client.streamJobs('dead', { jobName: 'b', batchSize: 300 })) named.push(entry.id);
    expect(named).toEqual(Array.from({ length: 500 }, (_, i) => `j${i * 5}`));
  });

  it('stops between batches when aborted', async () => {
    await t.redis.zadd(keys.retryKey(t.prefix), ...Array.from({ length: 50 }, (_, i) => [i, dead('a', `r${i}`, i)]).flat());
    const controller = new AbortController();
    let seen = 0;
    for await (const _ of client.streamJobs('retry', { batchSize: 10, signal: controller.signal })) {
      if (++seen === 5) controller.abort();
    }
    expect(seen).toBe(10);
  });
});

describe('locateJob', () => {
  it('finds a job in its queue (with the jobs ahead of it), in progress, or in a set', async () => {
    const [first, target] = await enqueuer.enqueueBulk([{ name: 'q' }, { name: 'q' }, { name: 'q' }]);
    await enqueuer.enqueueBulk(Array.from({ length: 2500 }, () => ({ name: 'other' })));
    expect(await client.locateJob(target!.id)).toEqual([
      { where: 'queued', jobName: 'q', ahead: 1, job: expect.objectContaining({ id: target!.id }), raw: expect.any(String), member: expect.any(String) },
    ]);
    // A pool that took the first job.
    await t.redis.hset(keys.heartbeatKey(t.prefix, 'pool1'), { heartbeat_at: 1, job_names: 'q', worker_ids: 'w1' });
    await t.redis.sadd(keys.workerPoolsKey(t.prefix), 'pool1');
    await t.redis.rpoplpush(keys.queueKey(t.prefix, 'q'), keys.inProgressKey(t.prefix, 'q', 'pool1'));
    expect(await client.locateJob(first!.id)).toMatchObject([{ where: 'in-progress', jobName: 'q', poolId: 'pool1', job: { id: first!.id } }]);
    await t.redis.zadd(keys.deadKey(t.prefix), 77, dead('q', 'gone-1', 77));
    expect(await client.locateJob('gone-1')).toMatchObject([{ where: 'dead', score: 77, job: { id: 'gone-1', lastError: 'x' } }]);
    expect(await client.locateJob('nowhere')).toEqual([]);
  });
});

describe('purgeQueue', () => {
  it('empties the queue at once, says exactly how many jobs it held, and frees their uniqueness markers', async () => {
    await enqueuer.enqueueBulk(Array.from({ length: 1500 }, (_, i) => ({ name: 'q', args: { i } })));
    expect(await enqueuer.enqueueUnique('q', { u: 1 })).not.toBeNull();
    expect(await enqueuer.enqueueUnique('q', { u: 1 })).toBeNull();
    await enqueuer.enqueue('kept', {});
    expect(await client.purgeQueue('q')).toEqual({ purged: 1501, markersReleased: 1 });
    expect(await t.redis.exists(keys.queueKey(t.prefix, 'q'))).toBe(0);
    expect(await t.redis.llen(keys.queueKey(t.prefix, 'kept'))).toBe(1);
    // The marker went with its job: the same unique job can be enqueued again.
    expect(await enqueuer.enqueueUnique('q', { u: 1 })).not.toBeNull();
    expect((await namespaceKeys(t.redis, t.prefix)).filter((k) => k.includes(':purging:'))).toEqual([]);
    expect(await client.purgeQueue('empty')).toEqual({ purged: 0, markersReleased: 0 });
  });

  it('refuses a queue key that is not a list, and leaves it alone', async () => {
    await t.redis.set(keys.queueKey(t.prefix, 'odd'), 'x');
    await expect(client.purgeQueue('odd')).rejects.toThrow(/WRONGTYPE/);
    expect(await t.redis.get(keys.queueKey(t.prefix, 'odd'))).toBe('x');
  });
});

describe('deleteQueuedJob', () => {
  const queue = () => keys.queueKey(t.prefix, 'q');
  const ids = async () => (await t.redis.lrange(queue(), 0, -1)).map((raw) => (JSON.parse(raw) as { id: string }).id);

  it('removes exactly the element read from a queue page, once; a second try says it is no longer there', async () => {
    await enqueuer.enqueueBulk(Array.from({ length: 5 }, (_, i) => ({ name: 'q', args: { i } })));
    const before = await ids();
    const page = await client.queueJobs('q');
    const target = page.jobs[2]!;
    expect(await client.deleteQueuedJob('q', target.member)).toEqual({ deleted: true, markerReleased: false });
    expect(await ids()).toEqual(before.filter((id) => id !== target.id));
    expect(await client.deleteQueuedJob('q', target.member)).toEqual({ deleted: false, markerReleased: false });
    expect(await t.redis.llen(queue())).toBe(4);
  });

  it('is binary-safe: bytes that are not UTF-8 are removed as read, and an element that reads the same stays', async () => {
    const bad = Buffer.concat([Buffer.from('{"name":"q","id":"b1","t":1,"args":{"s":"'), Buffer.from([0xff]), Buffer.from('"}}')]);
    const lookalike = '{"name":"q","id":"b1","t":1,"args":{"s":"\ufffd"}}'; // what the bad bytes read as
    await t.redis.lpush(queue(), lookalike, bad);
    const page = await client.queueJobs('q');
    const entry = page.jobs.find((j) => Buffer.isBuffer(j.member))!;
    expect(entry.raw).toBe(lookalike);
    expect(await client.deleteQueuedJob('q', entry.member)).toMatchObject({ deleted: true });
    expect(await t.redis.lrange(queue(), 0, -1)).toEqual([lookalike]);
  });

  it('removes one copy of a job enqueued twice with the same bytes (LREM count 1)', async () => {
    const raw = encodeJob({ name: 'q', id: 'twice', enqueuedAt: 1, args: {}, unique: false, fails: 0 });
    await t.redis.lpush(queue(), raw, raw);
    await t.redis.sadd(keys.knownJobsKey(t.prefix), 'q');
    const [found] = await client.locateJob('twice');
    expect(found?.where).toBe('queued');
    expect(await client.deleteQueuedJob('q', (found as { member: string }).member)).toMatchObject({ deleted: true });
    expect(await t.redis.lrange(queue(), 0, -1)).toEqual([raw]);
  });

  it('frees a unique job\'s marker with it, but not when a pool took the job first', async () => {
    const unique = (await enqueuer.enqueueUnique('q', { u: 1 }))!;
    const [entry] = (await client.queueJobs('q')).jobs;
    expect(await client.deleteQueuedJob('q', entry!.member)).toEqual({ deleted: true, markerReleased: true });
    expect(await t.redis.exists(unique.uniqueKey!)).toBe(0);
    expect(await enqueuer.enqueueUnique('q', { u: 1 })).not.toBeNull();

    // A pool takes it (into its in-progress list) before the delete arrives: nothing is touched.
    const [again] = (await client.queueJobs('q')).jobs;
    await t.redis.rpoplpush(queue(), keys.inProgressKey(t.prefix, 'q', 'pool1'));
    expect(await client.deleteQueuedJob('q', again!.member)).toEqual({ deleted: false, markerReleased: false });
    expect(await t.redis.exists(again!.uniqueKey!)).toBe(1);
    expect(await t.redis.llen(keys.inProgressKey(t.prefix, 'q', 'pool1'))).toBe(1);
  });
});
