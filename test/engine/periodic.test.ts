// Periodic jobs (spec 13): occurrences go into <p>scheduled with gocraft's
// member bytes, and pools sharing a schedule run each occurrence once.
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/engine/errors.js';
import * as keys from '../../src/engine/codec/keys.js';
import { usePoolHarness } from '../support/pool-harness.js';
import { waitFor } from '../support/wait.js';

const h = usePoolHarness('per');

const EVERY_SECOND = '* * * * * *';

async function scheduledWithScores(): Promise<Array<[string, number]>> {
  const { t } = h();
  const flat = await t.redis.zrange(keys.scheduledKey(t.prefix), 0, -1, 'WITHSCORES');
  const out: Array<[string, number]> = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!, Number(flat[i + 1])]);
  return out;
}

describe('pool.periodic', () => {
  it('schedules the next four minutes of occurrences with gocraft member bytes', async () => {
    const { pool, t } = h();
    // A slow requeuer: its first pass at start finds nothing due, and then it waits.
    const p = pool({ requeuerIntervalMs: 60_000 }).job('tick', () => {}).periodic(EVERY_SECOND, 'tick');
    const before = Math.floor(Date.now() / 1000);
    await p.start();
    // The first pass runs just after start() resolves.
    const members = await waitFor(async () => {
      const found = await scheduledWithScores();
      return found.length > 200 ? found : undefined;
    });
    const after = Math.floor(Date.now() / 1000);
    // now < T < now + 240, each second once.
    expect(members.length).toBeGreaterThanOrEqual(238);
    expect(members.length).toBeLessThanOrEqual(239);
    const first = members[0]![1];
    expect(first).toBeGreaterThan(before);
    expect(first).toBeLessThanOrEqual(after + 1);
    members.forEach(([member, score], i) => {
      expect(score).toBe(first + i);
      expect(member).toBe(`{"name":"tick","id":"periodic:tick:* * * * * *:${score}","t":${score},"args":null}`);
    });
    const last = Number(await t.redis.get(keys.lastPeriodicEnqueueKey(t.prefix)));
    expect(last).toBeGreaterThanOrEqual(before);
    expect(last).toBeLessThanOrEqual(after);
    expect(members[members.length - 1]![1]).toBeLessThan(last + 240);
  });

  it('keeps the spec text verbatim in the id and honours the seconds field', async () => {
    const { pool } = h();
    const p = pool({ requeuerIntervalMs: 60_000 }).job('minutely', () => {}).periodic('0 * * * * *', 'minutely');
    await p.start();
    const members = await waitFor(async () => {
      const found = await scheduledWithScores();
      return found.length > 0 ? found : undefined;
    });
    expect(members.length).toBeGreaterThanOrEqual(3);
    expect(members.length).toBeLessThanOrEqual(4);
    for (const [member, score] of members) {
      expect(score % 60).toBe(0);
      expect(member).toBe(`{"name":"minutely","id":"periodic:minutely:0 * * * * *:${score}","t":${score},"args":null}`);
    }
  });

  it('two pools with the same periodic job run every occurrence exactly once', async () => {
    const { pool, t } = h();
    const runs: Array<{ pool: string; id: string; t: number }> = [];
    const make = (label: string) =>
      pool({ concurrency: 2, requeuerIntervalMs: 50 })
        .job('tick', (job) => {
          runs.push({ pool: label, id: job.id, t: job.enqueuedAt });
        })
        .periodic(EVERY_SECOND, 'tick');
    const a = make('a');
    const b = make('b');
    await Promise.all([a.start(), b.start()]);
    // Four occurrences: each had at least a second in which a duplicate could have run.
    await waitFor(() => runs.length >= 4, { timeoutMs: 8000, message: 'four periodic runs' });
    const ids = runs.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    const epochs = ids.map((id) => {
      const m = /^periodic:tick:\* \* \* \* \* \*:(\d+)$/.exec(id);
      expect(m, id).not.toBeNull();
      return Number(m![1]);
    });
    // One run per second, none skipped.
    const sorted = [...epochs].sort((x, y) => x - y);
    sorted.forEach((e, i) => expect(e).toBe(sorted[0]! + i));
    // The requeuer rewrote "t" when it moved the occurrence, never before it was due.
    runs.forEach((r, i) => expect(r.t).toBeGreaterThanOrEqual(epochs[i]!));
    // Both pools scheduled the same members: still one per second in the set.
    const members = await scheduledWithScores();
    expect(new Set(members.map(([, s]) => s)).size).toBe(members.length);
    for (const p of [a, b]) expect(await t.redis.llen(keys.inProgressKey(t.prefix, 'tick', p.id))).toBe(0);
  });

  it('refuses a bad spec, and a periodic job without a handler in the pool', async () => {
    const { pool } = h();
    expect(() => pool().job('x', () => {}).periodic('not a cron', 'x')).toThrow(InvalidArgumentError);
    expect(() => pool().job('x', () => {}).periodic('* * * * * *', 'bad:name')).toThrow(InvalidArgumentError);
    const p = pool().job('x', () => {}).periodic(EVERY_SECOND, 'y');
    await expect(p.start()).rejects.toThrow(/periodic job "y" has no handler/);
  });
});
