// Searching a whole set (client/search.ts and search-set-1.lua): the query
// rules as plain functions, then the walk on the run's private Redis, on
// small sets with awkward members and on a set of 200,000 dead jobs.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, type JobEntry, type SearchProgress } from '../../src/engine/client/client.js';
import { compileQuery, foldAscii, judgeMember, literalRun, searchNeedles } from '../../src/engine/client/search.js';
import { encodeJob, type Job } from '../../src/engine/codec/job.js';
import * as keys from '../../src/engine/codec/keys.js';
import { searchSetCall } from '../../src/engine/redis/calls/search-set.js';
import { testRedis, type TestRedis } from '../support/redis.js';

const job = (over: Partial<Job> = {}): Job => ({ name: 'send_email', id: 'a1', enqueuedAt: 100, args: { to: 'ada@example.com' }, unique: false, fails: 3, lastError: 'SMTP: 421 Try Later', failedAt: 200, ...over });
const matches = (query: Parameters<typeof compileQuery>[0], raw: string) => judgeMember(compileQuery(query), raw) !== undefined;

describe('query rules (pure)', () => {
  it('folds ASCII letters only, as Redis Lua does', () => {
    expect(foldAscii('SMTP Ärger İK \u212a')).toBe('smtp Ärger İk \u212a');
    expect(foldAscii('ABC-xyz')).toBe('abc-xyz');
    expect(foldAscii('É')).toBe('É');
  });

  it('keeps the longest run that every encoder writes literally', () => {
    expect(literalRun('send_email')).toBe('send_email');
    expect(literalRun('a"quoted" long part')).toBe(' long part');
    expect(literalRun('café au lait')).toBe(' au lait');
    expect(literalRun('<>&/')).toBe('');
    expect(searchNeedles({ jobName: 'Send', errorMatch: 'TIMEOUT', text: '"' })).toEqual(['send', 'timeout']);
  });

  it('matches name exactly, error text and any text ignoring ASCII case, and combines them', () => {
    const raw = encodeJob(job());
    expect(matches({ jobName: 'send_email' }, raw)).toBe(true);
    expect(matches({ jobName: 'send' }, raw)).toBe(false);
    expect(matches({ errorMatch: 'try later' }, raw)).toBe(true);
    expect(matches({ errorMatch: 'ada' }, raw)).toBe(false);
    expect(matches({ text: 'ADA@EXAMPLE' }, raw)).toBe(true); // args
    expect(matches({ text: 'a1' }, raw)).toBe(true); // id
    expect(matches({ text: 'email' }, raw)).toBe(true); // name
    expect(matches({ jobName: 'send_email', errorMatch: '421' }, raw)).toBe(true);
    expect(matches({ jobName: 'send_email', errorMatch: '503' }, raw)).toBe(false);
    expect(matches({ jobName: 'other', errorMatch: '421' }, raw)).toBe(false);
    expect(matches({}, raw)).toBe(true);
  });

  it('finds text a job stores escaped, and a member that is not a job only by text', () => {
    // Python's json.dumps writes é as \u00e9 and Go writes < as \u003c.
    const escaped = '{"name":"x","id":"i1","t":1,"args":{"city":"caf\\u00e9 \\u003cb\\u003e"},"err":"quote \\" here"}';
    expect(matches({ text: 'café <b>' }, escaped)).toBe(true);
    expect(matches({ errorMatch: 'quote " here' }, escaped)).toBe(true);
    expect(matches({ text: 'garbage' }, 'garbage{')).toBe(true);
    expect(matches({ errorMatch: 'garbage' }, 'garbage{')).toBe(false);
    expect(matches({ jobName: 'garbage' }, 'garbage{')).toBe(false);
    expect(matches({}, 'garbage{')).toBe(true);
  });

  it('the Redis-side test never turns away a member the exact test would take', () => {
    const members = [
      encodeJob(job()),
      encodeJob(job({ lastError: 'x "quoted" <tag> & more', args: { list: [1, 2, 3], n: 1e21 } })),
      '{"name":"x","id":"i2","t":1,"args":{"a" : [1, 2]},"err":"E"}',
      'garbage{',
    ];
    const queries = ['send', 'QUOTED', '<tag>', '1, 2', '[1,2', 'e', 'ada@', 'i2', '" <', '&'].flatMap((q) => [{ text: q }, { errorMatch: q }, { jobName: 'x', text: q }]);
    for (const query of queries) {
      const compiled = compileQuery(query);
      for (const raw of members) {
        if (compiled.matches(raw, judgeMember(compileQuery({}), raw)!.job)) expect(compiled.mayMatch(raw), `${JSON.stringify(query)} on ${raw}`).toBe(true);
      }
    }
  });

  it('builds the script call in the order of its header', () => {
    const call = searchSetCall('ns:dead', 2000, 1000, 'last', ['a', 'b']);
    expect([call.script, call.keys, call.args]).toEqual(['search-set-1', ['ns:dead'], [2000, 1000, 'last', 'a', 'b']]);
    const none = searchSetCall('ns:dead', 0, 10, undefined, []);
    expect(none.args).toEqual([0, 10, '']);
    const slice = none.parse([5, 0, 2, Buffer.from('m2'), Buffer.from('m1'), Buffer.from('10'), Buffer.from('m2'), Buffer.from('11')]);
    expect(slice).toEqual({ size: 5, start: 0, length: 2, last: 'm2', candidates: [{ member: 'm1', score: '10' }, { member: 'm2', score: '11' }] });
    expect(none.parse([0, 0, 0, null]).last).toBeUndefined();
  });
});

let t: TestRedis;
let client: Client;

beforeEach(async () => {
  t = await testRedis('search');
  client = new Client({ redis: t.redis, namespace: t.namespace });
});
afterEach(() => t.cleanup());

async function collect(gen: AsyncGenerator<SearchProgress>): Promise<{ matches: JobEntry[]; steps: SearchProgress[] }> {
  const steps: SearchProgress[] = [];
  for await (const step of gen) steps.push(step);
  return { matches: steps.flatMap((s) => s.matches), steps };
}

/** `count` dead jobs, most of them alike; `special` (index → job fields) stand out. */
async function seedDead(count: number, special: Record<number, Partial<Job>> = {}): Promise<void> {
  const dead = keys.deadKey(t.prefix);
  for (let from = 0; from < count; from += 5000) {
    const args: Array<string | number> = [];
    for (let i = from; i < Math.min(count, from + 5000); i++) {
      const over = special[i] ?? {};
      args.push(1_800_000_000 + i, encodeJob(job({ id: `id${String(i).padStart(7, '0')}`, lastError: 'connection reset', args: { n: i }, ...over })));
    }
    await t.redis.zadd(dead, ...args);
  }
}

describe('searchJobs on Redis', () => {
  it('finds every match in score order across slices, with progress to the end', async () => {
    await seedDead(95, { 10: { lastError: 'Timeout after 30s' }, 50: { name: 'resize', lastError: 'timeout' }, 94: { lastError: 'TIMEOUT' } });
    await t.redis.zadd(keys.deadKey(t.prefix), 1, 'garbage{ timeout');
    const { matches, steps } = await collect(client.searchJobs('dead', { errorMatch: 'timeout' }, { batchSize: 10 }));
    expect(matches.map((m) => m.id)).toEqual(['id0000010', 'id0000050', 'id0000094']);
    expect(steps).toHaveLength(10);
    expect(steps.at(-1)).toMatchObject({ done: 96, total: 96 });
    const named = await collect(client.searchJobs('dead', { jobName: 'send_email', errorMatch: 'timeout' }, { batchSize: 10 }));
    expect(named.matches.map((m) => m.id)).toEqual(['id0000010', 'id0000094']);
    const text = await collect(client.searchJobs('dead', { text: 'garbage' }));
    expect(text.matches.map((m) => m.invalid !== undefined)).toEqual([true]);
  });

  it('does not skip members when jobs ahead of the walk are removed meanwhile', async () => {
    await seedDead(40, { 35: { lastError: 'needle' } });
    const found: string[] = [];
    let removed = false;
    for await (const step of client.searchJobs('dead', { text: '' }, { batchSize: 10 })) {
      found.push(...step.matches.map((m) => m.id));
      if (!removed) {
        // Someone retries the first five jobs while the search is past them.
        await t.redis.zremrangebyrank(keys.deadKey(t.prefix), 0, 4);
        removed = true;
      }
    }
    expect(new Set(found).size).toBe(40);
  });

  it('on 200,000 dead jobs finds the matches at the end, and stops when aborted', async () => {
    await seedDead(200_000, { 199_990: { lastError: 'disk quota exceeded' }, 199_999: { lastError: 'Disk Quota Exceeded (again)' } });
    const { matches, steps } = await collect(client.searchJobs('dead', { errorMatch: 'disk quota' }));
    expect(matches.map((m) => m.id)).toEqual(['id0199990', 'id0199999']);
    expect(steps).toHaveLength(200);
    expect(steps.at(-1)).toMatchObject({ done: 200_000, total: 200_000 });

    const controller = new AbortController();
    const seen: SearchProgress[] = [];
    for await (const step of client.searchJobs('dead', { errorMatch: 'disk quota' }, { signal: controller.signal })) {
      seen.push(step);
      if (seen.length === 3) controller.abort();
    }
    expect(seen).toHaveLength(3);
    expect(seen.at(-1)?.done).toBe(3000);
  }, 60_000);
});

describe('retry and delete the dead jobs that match', () => {
  it('moves exactly the matches and reports retried + left + changed = total', async () => {
    await seedDead(30, { 3: { lastError: 'quota' }, 7: { lastError: 'QUOTA hit' }, 8: { name: 'resize', lastError: 'quota' } });
    await t.redis.zadd(keys.deadKey(t.prefix), 2, 'garbage quota');
    const r = await client.retryAllDeadJobs({ jobName: 'send_email', errorMatch: 'quota', batchSize: 4 });
    expect(r).toEqual({ retried: 2, total: 2, left: 0, changed: 0, aborted: false });
    const queued = await t.redis.lrange(keys.queueKey(t.prefix, 'send_email'), 0, -1);
    expect(queued.map((q) => JSON.parse(q).id).sort()).toEqual(['id0000003', 'id0000007']);
    expect(await t.redis.zcard(keys.deadKey(t.prefix))).toBe(29);

    // A text match on a member that is not a job: it stays, and is counted as left.
    const text = await client.retryAllDeadJobs({ text: 'quota' });
    expect(text).toEqual({ retried: 1, total: 2, left: 1, changed: 0, aborted: false });
    const del = await client.deleteAllDeadJobs({ text: 'quota' });
    expect(del).toEqual({ deleted: 1, total: 1, left: 0, changed: 0, aborted: false });
    expect(await t.redis.zcard(keys.deadKey(t.prefix))).toBe(27);
  });

  it('an error filter that matches nothing removes nothing (never the whole set)', async () => {
    await seedDead(5);
    expect(await client.deleteAllDeadJobs({ errorMatch: 'nope' })).toEqual({ deleted: 0, total: 0, left: 0, changed: 0, aborted: false });
    expect(await client.deleteAllDeadJobs({ errorMatch: '', jobName: 'nobody' })).toMatchObject({ deleted: 0 });
    expect(await t.redis.zcard(keys.deadKey(t.prefix))).toBe(5);
  });
});
