// Jobs that wait before they run (spec 5, 7, 8): scheduled jobs and retries are
// moved to their queues by the requeuer; unique jobs release their marker as
// they start, and unique-by-key jobs run with the latest args.
import { describe, expect, it } from 'vitest';
import { decodeJob } from '../../src/engine/codec/job.js';
import type { JobContext } from '../../src/engine/pool/job-context.js';
import * as keys from '../../src/engine/codec/keys.js';
import { usePoolHarness } from '../support/pool-harness.js';
import { deferred, waitFor } from '../support/wait.js';

const h = usePoolHarness('sched');

async function expectSettled(name: string, poolId: string): Promise<void> {
  const { t } = h();
  await waitFor(async () => (await t.redis.get(keys.lockKey(t.prefix, name))) === '0', { message: `${name} lock 0` });
  expect(await t.redis.llen(keys.inProgressKey(t.prefix, name, poolId))).toBe(0);
  expect(await t.redis.llen(keys.queueKey(t.prefix, name))).toBe(0);
}

describe('scheduled jobs', () => {
  it('enqueueIn(0) is moved to its queue by the requeuer and runs', async () => {
    const { enqueuer, pool, t } = h();
    const got = deferred<JobContext>();
    const p = pool().job('soon', (job) => got.resolve(job));
    await p.start();
    const { job } = await enqueuer.enqueueIn('soon', 0, { big: 123456789012345678n, list: [] });
    const seen = await got.promise;
    expect(seen).toMatchObject({ id: job.id, name: 'soon', fails: 0 });
    expect(seen.args.list).toEqual([]); // cjson would have made it {}
    expect(await t.redis.zcard(keys.scheduledKey(t.prefix))).toBe(0);
    await expectSettled('soon', p.id);
  });

  it('a job scheduled in the future waits in scheduled until due', async () => {
    const { enqueuer, pool, t } = h();
    const ran: string[] = [];
    const p = pool().job('later', (job) => {
      ran.push(job.id);
    });
    await p.start();
    const now = await enqueuer.enqueue('later', {});
    const future = await enqueuer.enqueueIn('later', 3600, {});
    await waitFor(() => ran.length === 1);
    expect(ran).toEqual([now.id]);
    // The requeuer has had many passes (every 50 ms here) and left the future job alone.
    await waitFor(async () => (await t.redis.hget(keys.processedCountKey(t.prefix), 'later')) === '1');
    expect(await t.redis.zrange(keys.scheduledKey(t.prefix), 0, -1, 'WITHSCORES')).toEqual([
      expect.stringContaining(future.job.id),
      String(future.runAt),
    ]);
  });

  it('moves a due job in the bytes Go wrote, only "t" rewritten (no cjson re-encoding)', async () => {
    const { pool, t } = h();
    const got = deferred<JobContext>();
    const p = pool().job('goscheduled', (job) => got.resolve(job));
    // As a Go EnqueueIn writes it, due in the past; the big integer must survive.
    const member = '{"name":"goscheduled","id":"7086d66b5c73db9cf1bbdcf2","t":1795407033,"args":{"big":123456789012345678,"html":"\\u003ca\\u0026b\\u003e","list":[]}}';
    await t.redis.zadd(keys.scheduledKey(t.prefix), 1_000_000_000, member);
    // Hold the queue so the moved bytes can be read before a worker takes them.
    await t.redis.set(keys.pausedKey(t.prefix, 'goscheduled'), '1');
    await p.start();
    const [queued] = await waitFor(async () => {
      const found = await t.redis.lrange(keys.queueKey(t.prefix, 'goscheduled'), 0, -1);
      return found.length === 1 ? found : undefined;
    });
    const t2 = decodeJob(queued!).enqueuedAt;
    expect(Math.abs(t2 - Math.floor(Date.now() / 1000))).toBeLessThanOrEqual(2);
    expect(queued).toBe(member.replace('"t":1795407033', `"t":${t2}`));
    await t.redis.del(keys.pausedKey(t.prefix, 'goscheduled'));
    expect((await got.promise).id).toBe('7086d66b5c73db9cf1bbdcf2');
  });
});

describe('poison in the scheduled and retry sets', () => {
  it('moves undecodable due members to dead with the reason, and still moves the good ones', async () => {
    const { pool, t, enqueuer } = h();
    const ran: string[] = [];
    const p = pool().job('fine', (job) => {
      ran.push(job.id);
    });
    await t.redis.zadd(keys.scheduledKey(t.prefix), 1_000_000_000, 'not json');
    await t.redis.zadd(keys.retryKey(t.prefix), 1_000_000_000, '{"name":"fine","id":"x","t":1.5,"args":null}');
    const { job } = await enqueuer.enqueueIn('fine', 0, {});
    await p.start();
    await waitFor(() => ran.length === 1, { message: 'the good scheduled job ran' });
    expect(ran).toEqual([job.id]);
    const dead = await waitFor(async () => {
      const found = await t.redis.zrange(keys.deadKey(t.prefix), 0, -1);
      return found.length === 2 ? found : undefined;
    });
    expect(await t.redis.zcard(keys.scheduledKey(t.prefix))).toBe(0);
    expect(await t.redis.zcard(keys.retryKey(t.prefix))).toBe(0);
    const wrapped = dead.map((m) => JSON.parse(m) as Record<string, unknown>);
    const notJson = wrapped.find((d) => d.raw === 'not json');
    expect(notJson?.err).toMatch(/^invalid job: not JSON/);
    const badT = dead.find((m) => m.startsWith('{"name":"fine","id":"x","t":1.5,"args":null'));
    expect(badT).toBeDefined();
    expect(JSON.parse(badT!).err).toBe('invalid job: "t" is not an integer');
  });
});

describe('retries', () => {
  it('a retry with backoff 0 is requeued and runs again, seeing fails, lastError and failedAt', async () => {
    const { enqueuer, pool, t } = h();
    const attempts: Array<Pick<JobContext, 'fails' | 'lastError' | 'failedAt' | 'id'>> = [];
    const p = pool().job('flaky', { backoff: () => 0 }, (job) => {
      attempts.push({ id: job.id, fails: job.fails, lastError: job.lastError, failedAt: job.failedAt });
      if (job.fails < 2) throw new Error(`flake #${job.fails + 1}`);
    });
    const completed = deferred();
    p.on('job:completed', () => completed.resolve());
    await p.start();
    const before = Math.floor(Date.now() / 1000);
    const job = await enqueuer.enqueue('flaky', { k: 'v' });
    await completed.promise;
    const after = Math.floor(Date.now() / 1000);
    expect(attempts.map((a) => [a.id, a.fails, a.lastError])).toEqual([
      [job.id, 0, undefined],
      [job.id, 1, 'flake #1'],
      [job.id, 2, 'flake #2'],
    ]);
    expect(attempts[0]!.failedAt).toBeUndefined();
    for (const a of attempts.slice(1)) {
      expect(a.failedAt).toBeGreaterThanOrEqual(before);
      expect(a.failedAt).toBeLessThanOrEqual(after);
    }
    await expectSettled('flaky', p.id);
    expect(await t.redis.zcard(keys.retryKey(t.prefix))).toBe(0);
    expect(await t.redis.zcard(keys.deadKey(t.prefix))).toBe(0);
    await waitFor(async () => (await t.redis.hget(keys.processedCountKey(t.prefix), 'flaky')) === '3');
    expect(await t.redis.hget(keys.failedCountKey(t.prefix), 'flaky')).toBe('2');
  });

  it('files a failure in retry with gocraft fields and the backoff as score', async () => {
    const { enqueuer, pool, t } = h();
    const backoffSaw: number[] = [];
    const p = pool().job('later', { backoff: (job) => (backoffSaw.push(job.fails), 600) }, () => {
      throw new Error('not yet');
    });
    await p.start();
    const job = await enqueuer.enqueue('later', { a: [1, 2] });
    const [member, score] = await waitFor(async () => {
      const found = await t.redis.zrange(keys.retryKey(t.prefix), 0, -1, 'WITHSCORES');
      return found.length === 2 ? found : undefined;
    });
    const failedAt = decodeJob(member!).failedAt!;
    expect(member).toBe(
      `{"name":"later","id":"${job.id}","t":${job.enqueuedAt},"args":{"a":[1,2]},"fails":1,"err":"not yet","failed_at":${failedAt}}`,
    );
    expect(Number(score)).toBe(failedAt + 600);
    expect(backoffSaw).toEqual([1]);
    await expectSettled('later', p.id);
  });
});

describe('unique jobs while processing', () => {
  it('releases the marker when the job starts, so an equal job can be enqueued while it runs', async () => {
    const { enqueuer, pool, t } = h();
    const gate = deferred();
    const started: string[] = [];
    const p = pool({ concurrency: 1 }).job('uniq', async (job) => {
      started.push(job.id);
      if (started.length === 1) await gate.promise;
    });
    const first = await enqueuer.enqueueUnique('uniq', { a: 1 });
    expect(await enqueuer.enqueueUnique('uniq', { a: 1 })).toBeNull();
    const marker = first!.uniqueKey!;
    await p.start();
    await waitFor(() => started.length === 1, { message: 'first unique job running' });
    expect(await t.redis.exists(marker)).toBe(0);
    const second = await enqueuer.enqueueUnique('uniq', { a: 1 });
    expect(second).not.toBeNull();
    expect(await t.redis.get(marker)).toBe('1');
    gate.resolve();
    await waitFor(() => started.length === 2, { message: 'second unique job ran' });
    expect(started).toEqual([first!.id, second!.id]);
    await expectSettled('uniq', p.id);
    await waitFor(async () => (await t.redis.exists(marker)) === 0);
  });

  it('releases a marker keyed on big-integer args (recomputed from the raw bytes, gocraft bug 16.1.4)', async () => {
    const { pool, t, enqueuer } = h();
    const ran: string[] = [];
    const p = pool().job('bigu', (job) => {
      ran.push(job.id);
    });
    // A v0.5.1 producer: no unique_key in the job, so the worker recomputes the key.
    const marker = `${t.prefix}unique:bigu:{"n":123456789012345678}\n`;
    await t.redis.set(marker, '1', 'EX', 86_400);
    await t.redis.lpush(
      keys.queueKey(t.prefix, 'bigu'),
      '{"name":"bigu","id":"22111074a5e0dabcafa85d75","t":1795407033,"args":{"n":123456789012345678},"unique":true}',
    );
    await p.start();
    await waitFor(() => ran.length === 1);
    await waitFor(async () => (await t.redis.exists(marker)) === 0, { message: 'marker released' });
    expect(await enqueuer.enqueueUnique('bigu', { n: 123456789012345678n })).not.toBeNull();
  });

  it('by key: the handler sees the last call’s args and id, and in-progress is empty afterwards (16.1.1 fixed)', async () => {
    const { enqueuer, pool, t } = h();
    const seen: Array<{ id: string; args: Record<string, unknown> }> = [];
    const p = pool().job('bykey', (job) => {
      seen.push({ id: job.id, args: job.args });
    });
    const first = await enqueuer.enqueueUniqueByKey('bykey', { v: 1 }, { account: 7 });
    expect(first).not.toBeNull();
    expect(await enqueuer.enqueueUniqueByKey('bykey', { v: 2 }, { account: 7 })).toBeNull();
    const marker = first!.uniqueKey!;
    const latest = decodeJob((await t.redis.get(marker))!);
    expect(latest.args).toEqual({ v: 2 });
    expect(latest.id).not.toBe(first!.id);

    await p.start();
    await waitFor(() => seen.length === 1, { message: 'the by-key job ran' });
    expect(seen).toEqual([{ id: latest.id, args: { v: 2 } }]);
    await expectSettled('bykey', p.id);
    expect(await t.redis.exists(marker)).toBe(0);
    expect(await t.redis.hget(keys.lockInfoKey(t.prefix, 'bykey'), p.id)).toBe('0');
    // The key is free again.
    expect(await enqueuer.enqueueUniqueByKey('bykey', { v: 3 }, { account: 7 })).not.toBeNull();
    await waitFor(() => seen.length === 2);
    expect(seen[1]!.args).toEqual({ v: 3 });
    await expectSettled('bykey', p.id);
  });

  it('by key, failing: the retry copy carries the latest args and no uniqueness', async () => {
    const { enqueuer, pool, t } = h();
    const p = pool().job('bykeyfail', { backoff: () => 3600 }, () => {
      throw new Error('nope');
    });
    const first = await enqueuer.enqueueUniqueByKey('bykeyfail', { v: 1 }, { k: 1 });
    await enqueuer.enqueueUniqueByKey('bykeyfail', { v: 2 }, { k: 1 });
    await p.start();
    const [member] = await waitFor(async () => {
      const found = await t.redis.zrange(keys.retryKey(t.prefix), 0, -1);
      return found.length === 1 ? found : undefined;
    });
    const retried = decodeJob(member!);
    expect(retried).toMatchObject({ name: 'bykeyfail', args: { v: 2 }, fails: 1, lastError: 'nope', unique: false });
    expect(retried.uniqueKey).toBeUndefined();
    expect(retried.id).not.toBe(first!.id);
    await expectSettled('bykeyfail', p.id);
    expect(await t.redis.exists(first!.uniqueKey!)).toBe(0);
  });

  it('a scheduled unique job keeps its marker until it starts', async () => {
    const { enqueuer, pool, t } = h();
    const ran: string[] = [];
    const p = pool().job('su', (job) => {
      ran.push(job.id);
    });
    const scheduled = await enqueuer.enqueueUniqueIn('su', 0, { x: 1 });
    expect(await enqueuer.enqueueUniqueIn('su', 0, { x: 1 })).toBeNull();
    await p.start();
    await waitFor(() => ran.length === 1);
    expect(ran).toEqual([scheduled!.job.id]);
    await waitFor(async () => (await t.redis.exists(scheduled!.job.uniqueKey!)) === 0, { message: 'marker released' });
    await expectSettled('su', p.id);
  });
});
