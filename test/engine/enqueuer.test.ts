// The Enqueuer against real Redis: the exact bytes gocraft's Enqueuer writes
// (spec 4 and 5), and nothing at all written for bad input.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/engine/clock.js';
import { Enqueuer } from '../../src/engine/enqueuer/enqueuer.js';
import { BulkEnqueueError, InvalidArgumentError } from '../../src/engine/errors.js';
import { encodeJob } from '../../src/engine/codec/job.js';
import * as keys from '../../src/engine/codec/keys.js';
import { namespaceKeys, testRedis, type TestRedis } from '../support/redis.js';

const NOW = 1_795_407_033;
const HEX24 = /^[0-9a-f]{24}$/;

let t: TestRedis;
let clock: ManualClock;
let enqueuer: Enqueuer;

beforeEach(async () => {
  t = await testRedis('enq');
  clock = new ManualClock(NOW * 1000 + 250);
  enqueuer = new Enqueuer({ redis: t.redis, namespace: t.namespace, clock, maxJobBytes: 4096 });
});

afterEach(async () => {
  await t.cleanup();
});

const keysInNamespace = (): Promise<string[]> => namespaceKeys(t.redis, t.prefix);

/** A JSON string literal as Go writes it, for the ASCII keys used here. */
const quoted = (s: string): string => JSON.stringify(s);

describe('enqueue', () => {
  it('LPUSHes gocraft bytes (name,id,t,args; sorted, HTML-escaped args) and registers the name', async () => {
    const job = await enqueuer.enqueue('send_email', { to: 'a@b.c', html: '<a&b>', n: 3 });
    expect(job.id).toMatch(HEX24);
    expect(job).toMatchObject({ name: 'send_email', enqueuedAt: NOW, args: { to: 'a@b.c', html: '<a&b>', n: 3 }, fails: 0, unique: false });
    expect(await t.redis.lrange(keys.queueKey(t.prefix, 'send_email'), 0, -1)).toEqual([
      `{"name":"send_email","id":"${job.id}","t":${NOW},"args":{"html":"\\u003ca\\u0026b\\u003e","n":3,"to":"a@b.c"}}`,
    ]);
    expect(await t.redis.smembers(keys.knownJobsKey(t.prefix))).toEqual(['send_email']);
  });

  it('writes null args as null and omitted args as {}', async () => {
    const a = await enqueuer.enqueue('emptyns', null);
    const b = await enqueuer.enqueue('emptyns');
    // Producers LPUSH and workers take from the right: the first job is last in the list.
    expect(await t.redis.lrange(keys.queueKey(t.prefix, 'emptyns'), 0, -1)).toEqual([
      `{"name":"emptyns","id":"${b.id}","t":${NOW},"args":{}}`,
      `{"name":"emptyns","id":"${a.id}","t":${NOW},"args":null}`,
    ]);
  });

  it('gives every job a fresh 24-hex id', async () => {
    const jobs = await enqueuer.enqueueBulk(Array.from({ length: 50 }, () => ({ name: 'x', args: {} })));
    const ids = jobs.map((j) => j.id);
    for (const id of ids) expect(id).toMatch(HEX24);
    expect(new Set(ids).size).toBe(50);
  });
});

describe('enqueue with options', () => {
  it('{ in } schedules, { unique } refuses an equal job, { uniqueKey } keys on the map, as the named calls do', async () => {
    const later = await enqueuer.enqueue('report', { id: 1 }, { in: 60 });
    expect(await t.redis.zscore(keys.scheduledKey(t.prefix), encodeJob(later!))).toBe(String(NOW + 60));
    expect(await enqueuer.enqueue('sync', { a: 1 }, { unique: true })).not.toBeNull();
    expect(await enqueuer.enqueue('sync', { a: 1 }, { unique: true })).toBeNull();
    expect(await enqueuer.enqueue('sync', { a: 2 }, { unique: true })).not.toBeNull();
    const first = await enqueuer.enqueue('mail', { to: 'x', n: 1 }, { uniqueKey: { to: 'x' } });
    expect(first).not.toBeNull();
    expect(await enqueuer.enqueue('mail', { to: 'x', n: 2 }, { uniqueKey: { to: 'x' }, in: 30 })).toBeNull();
    expect(await t.redis.get(keys.uniqueKey(t.prefix, 'mail', '{"to":"x"}\n'))).toContain('"n":2');
    expect(await enqueuer.enqueue('plain', {}, {})).not.toBeNull();
  });

  it('refuses unknown options and bad values, writing nothing', async () => {
    await expect(enqueuer.enqueue('x', {}, { delay: 5 } as never)).rejects.toThrow(/unknown enqueue option\(s\): delay/);
    await expect(enqueuer.enqueue('x', {}, { in: -1 })).rejects.toThrow(InvalidArgumentError);
    await expect(enqueuer.enqueue('x', {}, { unique: 'yes' } as never)).rejects.toThrow(/"unique" must be true or false/);
    expect(await keysInNamespace()).toEqual([]);
  });
});

describe('enqueueIn', () => {
  it('ZADDs the job to scheduled at now + seconds with t = now, and registers the name', async () => {
    const { runAt, job } = await enqueuer.enqueueIn('send_report', 60, { id: 42 });
    expect(runAt).toBe(NOW + 60);
    expect(job.enqueuedAt).toBe(NOW);
    expect(await t.redis.zrange(keys.scheduledKey(t.prefix), 0, -1, 'WITHSCORES')).toEqual([
      `{"name":"send_report","id":"${job.id}","t":${NOW},"args":{"id":42}}`,
      String(NOW + 60),
    ]);
    expect(await t.redis.smembers(keys.knownJobsKey(t.prefix))).toEqual(['send_report']);
    expect(await t.redis.exists(keys.queueKey(t.prefix, 'send_report'))).toBe(0);
  });

  it('floors fractional delays to whole seconds (gocraft scores are integers)', async () => {
    const { runAt } = await enqueuer.enqueueIn('r', 1.9, {});
    expect(runAt).toBe(NOW + 1);
    expect(await t.redis.zscore(keys.scheduledKey(t.prefix), (await t.redis.zrange(keys.scheduledKey(t.prefix), 0, 0))[0]!)).toBe(String(NOW + 1));
  });
});

describe('enqueueBulk', () => {
  it('pushes each name in the order given (first given = first taken) and registers every name', async () => {
    const jobs = await enqueuer.enqueueBulk([
      { name: 'resize', args: { id: 1 } },
      { name: 'thumb', args: { id: 2 } },
      { name: 'resize', args: { id: 3 } },
      { name: 'resize' },
    ]);
    expect(jobs.map((j) => j.name)).toEqual(['resize', 'thumb', 'resize', 'resize']);
    const [r1, th, r3, r4] = jobs;
    expect(await t.redis.lrange(keys.queueKey(t.prefix, 'resize'), 0, -1)).toEqual([
      `{"name":"resize","id":"${r4!.id}","t":${NOW},"args":null}`,
      `{"name":"resize","id":"${r3!.id}","t":${NOW},"args":{"id":3}}`,
      `{"name":"resize","id":"${r1!.id}","t":${NOW},"args":{"id":1}}`,
    ]);
    expect(await t.redis.lrange(keys.queueKey(t.prefix, 'thumb'), 0, -1)).toEqual([
      `{"name":"thumb","id":"${th!.id}","t":${NOW},"args":{"id":2}}`,
    ]);
    expect((await t.redis.smembers(keys.knownJobsKey(t.prefix))).sort()).toEqual(['resize', 'thumb']);
  });

  it('takes 20,000 jobs of one name in one call, queued in the order given', async () => {
    const jobs = await enqueuer.enqueueBulk(Array.from({ length: 20_000 }, (_, i) => ({ name: 'many', args: { i } })));
    expect(jobs).toHaveLength(20_000);
    const queued = await t.redis.lrange(keys.queueKey(t.prefix, 'many'), 0, -1);
    expect(queued).toHaveLength(20_000);
    // LPUSH: the first given is at the consuming (right) end.
    expect(queued.reverse().map((raw) => (JSON.parse(raw) as { id: string }).id)).toEqual(jobs.map((j) => j.id));
    expect(await t.redis.smembers(keys.knownJobsKey(t.prefix))).toEqual(['many']);
  });

  it('says which chunk Redis refused, keeps what was written, and sends no later pipeline', async () => {
    await t.redis.set(keys.queueKey(t.prefix, 'b'), 'a string, not a list'); // LPUSH to it fails
    const jobs = [
      ...Array.from({ length: 12_000 }, () => ({ name: 'a' })),
      ...Array.from({ length: 10 }, () => ({ name: 'b' })),
      ...Array.from({ length: 10 }, () => ({ name: 'c' })),
      ...Array.from({ length: 10 }, () => ({ name: 'd' })),
      ...Array.from({ length: 9000 }, () => ({ name: 'e' })),
    ];
    // Pipelines of at most 10,000 jobs: a's first ten chunks; then a's last two, b, c, d and seven of
    // e's nine (b's is refused, the rest of that pipeline runs); e's last two would be the third, never sent.
    const error = (await enqueuer.enqueueBulk(jobs).catch((e: unknown) => e)) as BulkEnqueueError;
    expect(error).toBeInstanceOf(BulkEnqueueError);
    expect(error.message).toMatch(
      /^enqueueBulk: Redis refused chunk 13 of 24 \(jobs of "b"\): WRONGTYPE .*; 19020 of 21030 jobs were written and stay queued, the other 2010 were not$/,
    );
    expect(error.enqueued).toHaveLength(19_020);
    expect(await t.redis.llen(keys.queueKey(t.prefix, 'a'))).toBe(12_000);
    expect(await t.redis.llen(keys.queueKey(t.prefix, 'c'))).toBe(10);
    expect(await t.redis.llen(keys.queueKey(t.prefix, 'd'))).toBe(10);
    expect(await t.redis.llen(keys.queueKey(t.prefix, 'e'))).toBe(7000);
    expect(new Set(error.enqueued.map((j) => j.name))).toEqual(new Set(['a', 'c', 'd', 'e']));
  });

  it('writes nothing for an empty list', async () => {
    expect(await enqueuer.enqueueBulk([])).toEqual([]);
    expect(await keysInNamespace()).toEqual([]);
  });
});

describe('enqueueUnique (by args)', () => {
  it('writes gocraft master bytes: marker "1" with a one-day TTL, unique and unique_key in the job', async () => {
    const job = await enqueuer.enqueueUnique('uniq', { b: 2, a: '<x>' });
    expect(job).not.toBeNull();
    const marker = `${t.prefix}unique:uniq:{"a":"\\u003cx\\u003e","b":2}\n`;
    expect(job!.uniqueKey).toBe(marker);
    expect(job!.unique).toBe(true);
    expect(await t.redis.lrange(keys.queueKey(t.prefix, 'uniq'), 0, -1)).toEqual([
      `{"name":"uniq","id":"${job!.id}","t":${NOW},"args":{"a":"\\u003cx\\u003e","b":2},"unique":true,"unique_key":${quoted(marker)}}`,
    ]);
    expect(await t.redis.get(marker)).toBe('1');
    const ttl = await t.redis.ttl(marker);
    expect(ttl).toBeGreaterThan(86_390);
    expect(ttl).toBeLessThanOrEqual(86_400);
    expect(await t.redis.smembers(keys.knownJobsKey(t.prefix))).toEqual(['uniq']);
  });

  it('refuses an equal job (null), whatever the key order, and restarts the marker TTL as gocraft master does', async () => {
    const first = await enqueuer.enqueueUnique('uniq', { a: 1, b: 2 });
    expect(first).not.toBeNull();
    const marker = first!.uniqueKey!;
    await t.redis.expire(marker, 100);
    expect(await enqueuer.enqueueUnique('uniq', { b: 2, a: 1 })).toBeNull();
    expect(await t.redis.llen(keys.queueKey(t.prefix, 'uniq'))).toBe(1);
    expect(await t.redis.get(marker)).toBe('1');
    expect(await t.redis.ttl(marker)).toBeGreaterThan(86_390);
    // Other args are another job.
    expect(await enqueuer.enqueueUnique('uniq', { a: 1, b: 3 })).not.toBeNull();
    expect(await t.redis.llen(keys.queueKey(t.prefix, 'uniq'))).toBe(2);
  });

  it('uses nothing after the colon for null args and "{}\\n" for empty args', async () => {
    const nil = await enqueuer.enqueueUnique('u', null);
    const empty = await enqueuer.enqueueUnique('u', {});
    expect(nil!.uniqueKey).toBe(`${t.prefix}unique:u:`);
    expect(empty!.uniqueKey).toBe(`${t.prefix}unique:u:{}\n`);
    expect(await t.redis.get(`${t.prefix}unique:u:`)).toBe('1');
    expect(await t.redis.get(`${t.prefix}unique:u:{}\n`)).toBe('1');
    expect(await enqueuer.enqueueUnique('u', null)).toBeNull();
    expect(await enqueuer.enqueueUnique('u', {})).toBeNull();
  });

  it('enqueueUniqueIn schedules at now + seconds and refuses a second call', async () => {
    const scheduled = await enqueuer.enqueueUniqueIn('later', 30, { k: 1 });
    expect(scheduled).not.toBeNull();
    expect(scheduled!.runAt).toBe(NOW + 30);
    const marker = `${t.prefix}unique:later:{"k":1}\n`;
    expect(await t.redis.zrange(keys.scheduledKey(t.prefix), 0, -1, 'WITHSCORES')).toEqual([
      `{"name":"later","id":"${scheduled!.job.id}","t":${NOW},"args":{"k":1},"unique":true,"unique_key":${quoted(marker)}}`,
      String(NOW + 30),
    ]);
    expect(await t.redis.get(marker)).toBe('1');
    expect(await enqueuer.enqueueUniqueIn('later', 5, { k: 1 })).toBeNull();
    // A plain enqueueUnique with the same args is refused too: the marker covers queued or scheduled.
    expect(await enqueuer.enqueueUnique('later', { k: 1 })).toBeNull();
    expect(await t.redis.zcard(keys.scheduledKey(t.prefix))).toBe(1);
    expect(await t.redis.exists(keys.queueKey(t.prefix, 'later'))).toBe(0);
  });
});

describe('enqueueUniqueByKey', () => {
  it('keys on the key map, stores the whole job as the marker, and a refused call replaces it', async () => {
    const first = await enqueuer.enqueueUniqueByKey('bykey', { v: 1, extra: true }, { a: 1 });
    const marker = `${t.prefix}unique:bykey:{"a":1}\n`;
    expect(first!.uniqueKey).toBe(marker);
    const firstBytes = `{"name":"bykey","id":"${first!.id}","t":${NOW},"args":{"extra":true,"v":1},"unique":true,"unique_key":${quoted(marker)}}`;
    expect(await t.redis.lrange(keys.queueKey(t.prefix, 'bykey'), 0, -1)).toEqual([firstBytes]);
    expect(await t.redis.get(marker)).toBe(firstBytes);
    const ttl = await t.redis.ttl(marker);
    expect(ttl).toBeGreaterThan(86_390);
    expect(ttl).toBeLessThanOrEqual(86_400);

    clock.advance(2000);
    await t.redis.expire(marker, 100);
    expect(await enqueuer.enqueueUniqueByKey('bykey', { v: 2 }, { a: 1 })).toBeNull();
    // The queue still holds the first job; the marker now holds a job with the second call's args.
    expect(await t.redis.lrange(keys.queueKey(t.prefix, 'bykey'), 0, -1)).toEqual([firstBytes]);
    const replaced = await t.redis.get(marker);
    expect(replaced).toMatch(
      new RegExp(`^\\{"name":"bykey","id":"[0-9a-f]{24}","t":${NOW + 2},"args":\\{"v":2\\},"unique":true,"unique_key":`),
    );
    expect(replaced).not.toContain(first!.id);
    expect(await t.redis.ttl(marker)).toBeGreaterThan(86_390);
  });

  it('enqueueUniqueInByKey schedules the job and stores it as the marker', async () => {
    const scheduled = await enqueuer.enqueueUniqueInByKey('bykey', 10, { v: 1 }, { a: 'x' });
    const marker = `${t.prefix}unique:bykey:{"a":"x"}\n`;
    const bytes = `{"name":"bykey","id":"${scheduled!.job.id}","t":${NOW},"args":{"v":1},"unique":true,"unique_key":${quoted(marker)}}`;
    expect(scheduled!.runAt).toBe(NOW + 10);
    expect(await t.redis.zrange(keys.scheduledKey(t.prefix), 0, -1, 'WITHSCORES')).toEqual([bytes, String(NOW + 10)]);
    expect(await t.redis.get(marker)).toBe(bytes);
    expect(await enqueuer.enqueueUniqueInByKey('bykey', 10, { v: 2 }, { a: 'x' })).toBeNull();
    expect(await t.redis.zcard(keys.scheduledKey(t.prefix))).toBe(1);
  });

  it('a null key map gives the bare marker key', async () => {
    const job = await enqueuer.enqueueUniqueByKey('bykey', { v: 1 }, null);
    expect(job!.uniqueKey).toBe(`${t.prefix}unique:bykey:`);
    expect(await t.redis.exists(`${t.prefix}unique:bykey:`)).toBe(1);
  });
});

describe('bad input: InvalidArgumentError and nothing written', () => {
  const big = { blob: 'x'.repeat(5000) };
  const cases: Array<[string, (e: Enqueuer) => Promise<unknown>]> = [
    ['name with ":"', (e) => e.enqueue('a:b', {})],
    ['name with ","', (e) => e.enqueue('a,b', {})],
    ['empty name', (e) => e.enqueue('', {})],
    ['name with a space', (e) => e.enqueueIn('a b', 1, {})],
    ['args an array', (e) => e.enqueue('ok', [1, 2] as unknown as Record<string, unknown>)],
    ['args a string', (e) => e.enqueue('ok', 'hello' as unknown as Record<string, unknown>)],
    ['args holding NaN', (e) => e.enqueue('ok', { n: Number.NaN })],
    ['args holding a function', (e) => e.enqueue('ok', { f: () => 1 })],
    ['NaN delay', (e) => e.enqueueIn('ok', Number.NaN, {})],
    ['negative delay', (e) => e.enqueueIn('ok', -1, {})],
    ['infinite delay', (e) => e.enqueueUniqueIn('ok', Number.POSITIVE_INFINITY, {})],
    ['oversized args (enqueue)', (e) => e.enqueue('ok', big)],
    ['oversized args (enqueueIn)', (e) => e.enqueueIn('ok', 5, big)],
    ['oversized args (enqueueUnique)', (e) => e.enqueueUnique('ok', big)],
    ['oversized args (enqueueUniqueByKey)', (e) => e.enqueueUniqueByKey('ok', big, { k: 1 })],
    ['unique name with ":"', (e) => e.enqueueUnique('a:b', {})],
    ['unique args an array', (e) => e.enqueueUnique('ok', [1] as unknown as Record<string, unknown>)],
    ['by-key key map a string', (e) => e.enqueueUniqueByKey('ok', {}, 'k' as unknown as Record<string, unknown>)],
    ['by-key args an array', (e) => e.enqueueUniqueInByKey('ok', 1, [1] as unknown as Record<string, unknown>, { k: 1 })],
    ['one bad job in a bulk', (e) => e.enqueueBulk([{ name: 'ok', args: {} }, { name: 'bad:name', args: {} }])],
    ['one oversized job in a bulk', (e) => e.enqueueBulk([{ name: 'ok', args: {} }, { name: 'ok', args: big }])],
  ];

  it.each(cases)('%s', async (_label, call) => {
    await expect(call(enqueuer)).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(await keysInNamespace()).toEqual([]);
  });

  it('the oversized message names the size and the limit', async () => {
    await expect(enqueuer.enqueue('ok', big)).rejects.toThrow(/bytes encoded; the limit is 4096 \(maxJobBytes\)/);
  });

  it('an args error says "args", not "key map"', async () => {
    await expect(enqueuer.enqueueUnique('ok', [1] as unknown as Record<string, unknown>)).rejects.toThrow(/^args must be/);
  });
});
