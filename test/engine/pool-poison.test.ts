// Queue entries that are not jobs this pool can run (gocraft bugs 16.1.2 and
// "stray job"): each ends in dead with a clear error and its original bytes,
// its lock count is given back, and the queue keeps running.
import { describe, expect, it } from 'vitest';
import type { PoolEventMap } from '../../src/engine/pool/events.js';
import { decodeJob } from '../../src/engine/codec/job.js';
import * as keys from '../../src/engine/codec/keys.js';
import { expectReleased, usePoolHarness, zsetEntries } from '../support/pool-harness.js';
import { deferred, waitFor } from '../support/wait.js';

const h = usePoolHarness('poison');

const deadMembers = (): ReturnType<typeof zsetEntries> => zsetEntries(h().t, keys.deadKey(h().t.prefix));

describe('poison queue entries', () => {
  const poison: Array<[string, string, RegExp]> = [
    ['not JSON', 'not json', /^invalid job: not JSON/],
    ['no name', '{"id":"x","t":1,"args":{}}', /^invalid job: no name$/],
    ['fractional t', '{"name":"q","id":"x","t":1.5,"args":null}', /^invalid job: "t" is not an integer$/],
    ['array args', '{"name":"q","id":"x","t":1,"args":[1]}', /^invalid job: "args" is not an object or null$/],
  ];

  it('moves each to dead with a clear error and the original bytes, emits job:invalid, and keeps the queue running', async () => {
    const { pool, t, enqueuer } = h();
    const ran: string[] = [];
    const p = pool({ concurrency: 1 }).job('q', { maxConcurrency: 1 }, (job) => {
      ran.push(job.id);
    });
    const invalid: Array<PoolEventMap['job:invalid'][0]> = [];
    p.on('job:invalid', (e) => invalid.push(e));
    const started: unknown[] = [];
    p.on('job:started', (e) => started.push(e));
    // Oldest first: the poison entries are taken before the good job.
    for (const [, raw] of poison) await t.redis.lpush(keys.queueKey(t.prefix, 'q'), raw);
    await p.start();
    const good = await enqueuer.enqueue('q', { ok: true });
    await waitFor(() => ran.length === 1, { message: 'the good job ran' });
    expect(ran).toEqual([good.id]);
    expect(started).toHaveLength(1);

    expect(invalid.map((e) => e.raw)).toEqual(poison.map(([, raw]) => raw));
    invalid.forEach((e, i) => {
      expect(e.poolId).toBe(p.id);
      expect(e.queue).toBe('q');
      expect(e.error, poison[i]![0]).toMatch(poison[i]![2]);
    });

    const dead = await waitFor(async () => {
      const members = await deadMembers();
      return members.length === poison.length ? members : undefined;
    });
    const now = Math.floor(Date.now() / 1000);
    for (const [label, raw, reason] of poison) {
      const match = dead.find(({ member }) => member.startsWith(raw.slice(0, -1)) || JSON.parse(member).raw === raw);
      expect(match, label).toBeDefined();
      const { member, score } = match!;
      expect(Math.abs(score - now), label).toBeLessThanOrEqual(2);
      const parsed = JSON.parse(member) as Record<string, unknown>;
      expect(parsed.err, label).toMatch(reason);
      expect(parsed.fails, label).toBe(1);
      expect(parsed.failed_at, label).toBe(score);
      if (raw.startsWith('{"name"')) {
        // A JSON object that names its job keeps every original byte; failure fields are appended.
        expect(member.startsWith(raw.slice(0, -1)), label).toBe(true);
      } else {
        // Anything else is carried verbatim in "raw" by a job of the queue's name, so the Client can list it.
        expect(parsed.raw, label).toBe(raw);
        expect(parsed.name, label).toBe('q');
        expect(decodeJob(member).name, label).toBe('q');
      }
    }
    await expectReleased(t, 'q', p.id);
    expect(await t.redis.llen(keys.queueKey(t.prefix, 'q'))).toBe(0);
  });

  it('sends a job whose name has no handler to dead with "stray job: no handler"', async () => {
    const { pool, t, enqueuer } = h();
    const ran: string[] = [];
    const p = pool().job('q', (job) => {
      ran.push(job.name);
    });
    const dead = deferred<PoolEventMap['job:dead'][0]>();
    p.on('job:dead', (e) => dead.resolve(e));
    await p.start();
    const stray = '{"name":"ghost","id":"0123456789abcdef01234567","t":1795407033,"args":{"big":123456789012345678}}';
    await t.redis.lpush(keys.queueKey(t.prefix, 'q'), stray);
    const event = await dead.promise;
    expect(event).toMatchObject({ error: 'stray job: no handler', job: { name: 'ghost' } });
    const [entry] = await waitFor(async () => {
      const found = await deadMembers();
      return found.length === 1 ? found : undefined;
    });
    // Original bytes (big integer included) with gocraft's failure fields appended.
    expect(entry!.member).toBe(
      `${stray.slice(0, -1)},"fails":1,"err":"stray job: no handler","failed_at":${entry!.score}}`,
    );
    await expectReleased(t, 'q', p.id);
    await enqueuer.enqueue('q', {});
    await waitFor(() => ran.length === 1);
    expect(ran).toEqual(['q']);
  });
});
