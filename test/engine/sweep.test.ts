// The batched walk (client/sweep.ts): the cursor's read-ahead position as
// plain logic, and the read-ahead walk against the run's private Redis,
// checked against the walk that alternates strictly.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { sweep, SweepCursor, type ScoredMember, type SweepResult, type Verdict } from '../../src/engine/client/sweep.js';
import { testRedis, type TestRedis } from '../support/redis.js';

const m = (member: string, score: string): ScoredMember => ({ member, score });

describe('SweepCursor.past', () => {
  it('places a read right after a batch that is still wholly in the set', () => {
    const c = new SweepCursor();
    c.advance([m('a', '1'), m('b', '2')], [false, true]); // b stayed at 2
    const ahead = c.past([m('c', '2'), m('d', '2'), m('e', '3')]);
    // e alone is at the new score; the read skips nothing but must find e first.
    expect(ahead.nextRead(2)).toEqual({ min: '3', offset: 0, count: 3 });
    expect(ahead.unseen([m('e', '3'), m('f', '3')])).toEqual([m('f', '3')]);
    expect(ahead.unseen([m('f', '3')])).toBeUndefined();
    // The cursor itself has not moved.
    expect(c.nextRead(2)).toEqual({ min: '2', offset: 0, count: 3 });
  });

  it('counts members already staying at the batch\'s last score as well as the whole batch', () => {
    const c = new SweepCursor();
    c.advance([m('a', '5'), m('b', '5'), m('c', '5')], [true, false, true]); // a and c stay
    const ahead = c.past([m('d', '5'), m('e', '5')]);
    // a, c, d, e are at 5 before the unseen part: skip three, then e is the anchor.
    expect(ahead.nextRead(4)).toEqual({ min: '5', offset: 3, count: 5 });
    expect(ahead.unseen([m('e', '5'), m('f', '5')])).toEqual([m('f', '5')]);
  });
});

// A deterministic generator, so a failing case can be replayed.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 2 ** 32;
  };
}

interface Scenario {
  members: Array<[number, string]>;
  verdicts: Map<string, Verdict>;
  refused: Set<string>; // taken, but the action leaves them in place
}

function scenario(seed: number): Scenario {
  const next = rng(seed);
  const n = 150 + Math.floor(next() * 200);
  const scores = 1 + Math.floor(next() * 6); // few scores, so long runs of ties
  const members: Array<[number, string]> = [];
  const verdicts = new Map<string, Verdict>();
  const refused = new Set<string>();
  for (let i = 0; i < n; i++) {
    const member = `m-${String(i).padStart(4, '0')}`;
    members.push([Math.floor(next() * scores), member]);
    const r = next();
    verdicts.set(member, r < 0.6 ? 'take' : r < 0.9 ? 'stay' : 'stuck');
    if (verdicts.get(member) === 'take' && next() < 0.1) refused.add(member);
  }
  return { members, verdicts, refused };
}

async function walk(redis: Redis, key: string, s: Scenario, batchSize: number, readAhead: boolean) {
  const offered: string[] = [];
  const result = await sweep(redis, {
    key,
    max: '+inf',
    batchSize,
    readAhead,
    judge: (member) => s.verdicts.get(member as string) ?? 'stuck',
    act: async (members) => {
      offered.push(...(members as string[]));
      const mine = members.filter((member) => !s.refused.has(member as string));
      return mine.length > 0 ? redis.zrem(key, ...mine) : 0;
    },
  });
  return { result, offered, left: await redis.zrange(key, 0, -1) };
}

describe('the read-ahead walk', () => {
  let t: TestRedis;

  beforeEach(async () => {
    t = await testRedis('sweep');
  });

  afterEach(async () => {
    await t.cleanup();
  });

  const key = () => `${t.prefix}dead`;
  const seed = async (s: Scenario) => {
    await t.redis.del(key());
    await t.redis.zadd(key(), ...s.members.flat());
  };

  it('offers each member once and ends where the strict walk ends, whatever stays, sticks or is refused', async () => {
    for (let i = 1; i <= 12; i++) {
      const s = scenario(i);
      const batchSize = 1 + Math.floor(rng(i * 7)() * 40);
      await seed(s);
      const strict = await walk(t.redis, key(), s, batchSize, false);
      await seed(s);
      const ahead = await walk(t.redis, key(), s, batchSize, true);

      const taken = s.members.map(([, member]) => member).filter((member) => s.verdicts.get(member) === 'take');
      const expected: SweepResult = {
        acted: taken.filter((member) => !s.refused.has(member)).length,
        matched: taken.length + [...s.verdicts.values()].filter((v) => v === 'stuck').length,
        stuck: [...s.verdicts.values()].filter((v) => v === 'stuck').length + taken.filter((member) => s.refused.has(member)).length,
        inRange: s.members.length,
        aborted: false,
      };
      for (const run of [strict, ahead]) {
        expect(run.result, `seed ${i}, batch ${batchSize}`).toEqual(expected);
        expect([...run.offered].sort(), `seed ${i}`).toEqual([...taken].sort());
      }
      expect(ahead.left).toEqual(strict.left);
    }
  });

  it('judges and prepares the next batch while the action on this one is still running', async () => {
    await t.redis.zadd(key(), ...Array.from({ length: 25 }, (_, i) => [1, `m-${String(i).padStart(2, '0')}`]).flat());
    const events: string[] = [];
    let secondPrepared: () => void = () => undefined;
    const second = new Promise<void>((resolve) => {
      secondPrepared = resolve;
    });
    let batches = 0;
    const result = await sweep(t.redis, {
      key: key(),
      max: '+inf',
      batchSize: 10,
      readAhead: true,
      judge: () => 'take',
      prepare: (members) => {
        batches += 1;
        events.push(`prepare ${batches}`);
        if (batches === 2) secondPrepared();
        return { batch: batches, members };
      },
      act: async ({ batch, members }) => {
        events.push(`act ${batch}`);
        const n = await t.redis.zrem(key(), ...members);
        // A strict walk would never prepare batch 2 before this returns.
        if (batch === 1) {
          await Promise.race([
            second,
            new Promise((_, reject) => setTimeout(() => reject(new Error('batch 2 was not read ahead')), 5000)),
          ]);
        }
        events.push(`done ${batch}`);
        return n;
      },
    });
    expect(result).toMatchObject({ acted: 25, matched: 25, stuck: 0, aborted: false });
    expect(events.slice(0, 4)).toEqual(['prepare 1', 'act 1', 'prepare 2', 'done 1']);
  });

  it('restarts when someone removes a member it walked past while an action runs, handling each match once', async () => {
    const all = Array.from({ length: 30 }, (_, i) => `m-${String(i).padStart(2, '0')}`);
    await t.redis.zadd(key(), ...all.flatMap((member) => [1, member]));
    const other = t.connect();
    const offered: string[] = [];
    let interfered = false;
    const result = await sweep(t.redis, {
      key: key(),
      max: '+inf',
      batchSize: 10,
      readAhead: true,
      // Even members are taken, odd ones stay.
      judge: (member) => (Number((member as string).slice(2)) % 2 === 0 ? 'take' : 'stay'),
      act: async (members) => {
        offered.push(...(members as string[]));
        if (!interfered) {
          interfered = true;
          // m-03 stayed in the first batch; the next batch was already read.
          await other.zrem(key(), 'm-03');
        }
        return t.redis.zrem(key(), ...members);
      },
    });
    expect(result).toEqual({ acted: 15, matched: 15, stuck: 0, inRange: 30, aborted: false });
    expect([...offered].sort()).toEqual(all.filter((_, i) => i % 2 === 0));
    expect(await t.redis.zrange(key(), 0, -1)).toEqual(all.filter((member, i) => i % 2 === 1 && member !== 'm-03'));
  });
});
