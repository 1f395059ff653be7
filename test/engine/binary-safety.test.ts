// Entries pushed straight into Redis whose bytes are not UTF-8 (or are
// otherwise hostile). Everything that removes or moves a value must send back
// the bytes it read: a text round trip would turn each bad byte into U+FFFD,
// and LREM/ZREM would then miss the value, leaving it stuck for good.
import { describe, expect, it } from 'vitest';
import { Client } from '../../src/engine/client/client.js';
import { decodeJob } from '../../src/engine/codec/job.js';
import * as keys from '../../src/engine/codec/keys.js';
import { expectReleased, usePoolHarness } from '../support/pool-harness.js';
import { waitFor } from '../support/wait.js';

const h = usePoolHarness('bytes');

const bytes = (...parts: Array<string | number[]>): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

/** A job whose args hold a lone 0xff byte: JSON, but not UTF-8. */
const badArgs = (id: string): Buffer => bytes(`{"name":"q","id":"${id}","t":1700000000,"args":{"who":"`, [0xff], '"}}');

async function deadEntries(): Promise<Buffer[]> {
  const { t } = h();
  return t.redis.zrangeBuffer(keys.deadKey(t.prefix), 0, -1);
}

describe('queue entries that are not UTF-8', () => {
  it('go to dead with "not UTF-8" and their exact bytes, give the lock back, and never freeze a capped queue', async () => {
    const { pool, t, enqueuer } = h();
    const ran: string[] = [];
    const p = pool({ concurrency: 2 }).job('q', { maxConcurrency: 1 }, (job) => {
      ran.push(job.id);
    });
    const notJson = bytes([0xc3, 0x28, 0xfe, 0x00], 'tail');
    // Oldest first: both poison entries are taken before the five good jobs.
    await t.redis.lpush(keys.queueKey(t.prefix, 'q'), badArgs('bad-args'));
    await t.redis.lpush(keys.queueKey(t.prefix, 'q'), notJson);
    const good = [];
    for (let i = 0; i < 5; i++) good.push((await enqueuer.enqueue('q', { i })).id);
    const invalid: string[] = [];
    p.on('job:invalid', (e) => invalid.push(e.error));
    await p.start();
    await waitFor(() => ran.length === 5, { message: 'the five good jobs ran' });
    expect(ran.sort()).toEqual(good.sort());
    const at = badArgs('bad-args').indexOf(0xff);
    expect(invalid).toEqual([`invalid job: not UTF-8 (byte 0xff at offset ${at})`, 'invalid job: not UTF-8 (byte 0xc3 at offset 0)']);
    await expectReleased(t, 'q', p.id);

    const dead = await waitFor(async () => {
      const entries = await deadEntries();
      return entries.length === 2 ? entries.map((b) => JSON.parse(b.toString('utf8')) as Record<string, unknown>) : undefined;
    });
    const byName = dead.find((d) => d.id === 'bad-args')!;
    // The job keeps its name and id (read as Go reads it) and the exact bytes ride along.
    expect(byName).toMatchObject({ name: 'q', fails: 1, err: `invalid job: not UTF-8 (byte 0xff at offset ${at})` });
    expect(Buffer.from(byName.raw_base64 as string, 'base64').equals(badArgs('bad-args'))).toBe(true);
    const wrapped = dead.find((d) => d.id !== 'bad-args')!;
    expect(wrapped).toMatchObject({ name: 'q', args: null, err: 'invalid job: not UTF-8 (byte 0xc3 at offset 0)' });
    expect(Buffer.from(wrapped.raw_base64 as string, 'base64').equals(notJson)).toBe(true);
  });

  it('keep passing: escaped NUL and lone surrogates run; a raw NUL, a 5 MB entry and 200k-deep JSON go to dead', async () => {
    const { pool, t } = h();
    const ran: unknown[] = [];
    const p = pool().job('q', (job) => {
      ran.push(job.args);
    });
    const queue = keys.queueKey(t.prefix, 'q');
    await t.redis.lpush(queue, '{"name":"q","id":"nul","t":1,"args":{"a":"x\\u0000y"}}');
    await t.redis.lpush(queue, bytes('{"name":"q","id":"raw-nul","t":1,"args":{"a":"x', [0x00], 'y"}}'));
    await t.redis.lpush(queue, '{"name":"q","id":"sur","t":1,"args":{"a":"\\ud800"}}');
    await t.redis.lpush(queue, `{"name":"q","id":"big","t":1,"args":{"a":"${'x'.repeat(5 * 1024 * 1024)}"`); // unterminated
    await t.redis.lpush(queue, `{"name":"q","id":"deep","t":1,"args":{"a":${'['.repeat(200_000)}${']'.repeat(200_000)}}}`);
    await p.start();
    await waitFor(async () => ran.length === 2 && (await t.redis.zcard(keys.deadKey(t.prefix))) === 3, { message: 'two ran, three dead' });
    expect(ran).toEqual(expect.arrayContaining([{ a: 'x\u0000y' }, { a: '\ufffd' }]));
    const errs = (await deadEntries()).map((b) => (JSON.parse(b.toString()) as { err: string }).err).sort();
    // Go's decoder refuses nesting past 10000 levels; so does ours.
    expect(errs).toEqual([
      'invalid job: not JSON (invalid JSON at end of input: expected "," or "}")',
      'invalid job: not JSON (invalid JSON at offset 10040: nesting deeper than 10000)',
      'invalid job: not JSON (invalid JSON at offset 47: control character in string)',
    ]);
    await expectReleased(t, 'q', p.id);
  });
});

describe('set members that are not UTF-8', () => {
  it('are moved out of retry by the requeuer, and 500 of them never hold back a due scheduled job', async () => {
    const { pool, t } = h();
    const ran: string[] = [];
    const p = pool().job('q', (job) => {
      ran.push(job.id);
    });
    const now = Math.floor(Date.now() / 1000);
    const members: Array<number | Buffer> = [];
    for (let i = 0; i < 500; i++) members.push(now - 100, badArgs(`poison-${String(i).padStart(3, '0')}`));
    await t.redis.zadd(keys.scheduledKey(t.prefix), ...members);
    await t.redis.zadd(keys.scheduledKey(t.prefix), now - 1, '{"name":"q","id":"due","t":1,"args":{}}');
    await t.redis.zadd(keys.retryKey(t.prefix), now - 1, badArgs('retry-poison'));
    await p.start();
    await waitFor(() => ran.includes('due'), { message: 'the due job behind the poison ran' });
    await waitFor(async () => (await t.redis.zcard(keys.deadKey(t.prefix))) === 501, { message: 'all poison in dead' });
    expect(await t.redis.zcard(keys.scheduledKey(t.prefix))).toBe(0);
    expect(await t.redis.zcard(keys.retryKey(t.prefix))).toBe(0);
    for (const entry of await deadEntries()) {
      const { id, err } = JSON.parse(entry.toString()) as { id: string; err: string };
      expect(err).toBe(`invalid job: not UTF-8 (byte 0xff at offset ${badArgs(id).indexOf(0xff)})`);
    }
  });

  it('can be found, deleted and retried by id through the Client', async () => {
    const { t } = h();
    const client = new Client({ redis: t.redis, namespace: t.namespace });
    const dead = keys.deadKey(t.prefix);
    await t.redis.zadd(dead, 10, badArgs('d1'), 20, badArgs('d2'), 30, badArgs('d3'));
    expect((await client.findJob('d1'))?.job.args).toEqual({ who: '\ufffd' });
    expect((await client.deadJobs()).jobs.map((j) => j.id)).toEqual(['d1', 'd2', 'd3']);
    await client.deleteDeadJob('d1');
    await client.retryDeadJob('d2');
    expect(await client.retryAllDeadJobs()).toEqual({ retried: 1, total: 1, left: 0, changed: 0, aborted: false });
    expect(await t.redis.zcard(dead)).toBe(0);
    // Retried as Go reads them: valid UTF-8 now, the bad byte as U+FFFD.
    const queued = (await t.redis.lrange(keys.queueKey(t.prefix, 'q'), 0, -1)).map((raw) => decodeJob(raw));
    expect(queued.map((j) => j.id).sort()).toEqual(['d2', 'd3']);
    expect(queued.every((j) => (j.args as { who: string }).who === '\ufffd' && j.fails === 0)).toBe(true);
  });

  it('are deleted by a filtered bulk delete', async () => {
    const { t } = h();
    const client = new Client({ redis: t.redis, namespace: t.namespace });
    const dead = keys.deadKey(t.prefix);
    const members: Array<number | Buffer | string> = [];
    for (let i = 0; i < 30; i++) members.push(i, badArgs(`d${i}`));
    members.push(99, '{"name":"other","id":"o","t":1,"args":{}}');
    await t.redis.zadd(dead, ...members);
    expect(await client.deleteAllDeadJobs({ jobName: 'q', batchSize: 7 })).toEqual({ deleted: 30, total: 30, left: 0, changed: 0, aborted: false });
    expect(await t.redis.zrange(dead, 0, -1)).toEqual(['{"name":"other","id":"o","t":1,"args":{}}']);
  });
});

describe('a unique_key that names a key outside the job\'s markers', () => {
  it('is ignored and reported: only the job\'s own marker is released', async () => {
    const { pool, t, errors } = h();
    const ran: string[] = [];
    const p = pool().job('q', { maxConcurrency: 3 }, (job) => {
      ran.push(job.id);
    });
    await t.redis.set('another-app:config', 'keep me');
    const own = keys.uniqueKey(t.prefix, 'q', '{"a":1}\n');
    await t.redis.set(own, '1');
    const hostile = [keys.maxConcurrencyKey(t.prefix, 'q'), 'another-app:config', keys.uniqueKey(t.prefix, 'q', 'x:{"a":1}\n')];
    for (const [i, target] of hostile.entries()) {
      await t.redis.lpush(keys.queueKey(t.prefix, 'q'), JSON.stringify({ name: 'q', id: `h${i}`, t: 1, args: { a: 1 }, unique: true, unique_key: target }));
    }
    await t.redis.set(hostile[2]!, '1');
    await p.start();
    await waitFor(() => ran.length === 3, { message: 'the three jobs ran' });
    expect(await t.redis.get('another-app:config')).toBe('keep me');
    expect(await t.redis.get(keys.maxConcurrencyKey(t.prefix, 'q'))).toBe('3');
    expect(await t.redis.get(hostile[2]!)).toBe('1');
    // The marker their own name and args make is the one released.
    expect(await t.redis.exists(own)).toBe(0);
    await waitFor(() => errors.length === 3);
    expect(errors.map((e) => e.op)).toEqual(['unique.release', 'unique.release', 'unique.release']);
    expect(String(errors[0]!.error)).toMatch(/not a uniqueness marker of q in this namespace; ignored/);
    errors.length = 0;
    // One at a time: on a cluster the two keys are in different slots.
    await t.redis.del('another-app:config');
    await t.redis.del(hostile[2]!);
  });
});
