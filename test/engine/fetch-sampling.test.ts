// The fetch script chooses job types by priority itself (gocraft draws them
// in Go, one job per call): each job taken is of a type chosen in proportion
// to its priority among the types still eligible, by a walk through [0, 1)
// that the pool carries from call to call, not a random draw, so shares stay
// even over any stretch of jobs.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as keys from '../../src/engine/codec/keys.js';
import { nextDrawPosition } from '../../src/engine/redis/calls/fetch-jobs.js';
import { defineScripts, runScript } from '../../src/engine/redis/scripts.js';
import { testRedis, type TestRedis } from '../support/redis.js';

let t: TestRedis;
beforeEach(async () => {
  t = await testRedis('fetch');
  defineScripts(t.redis);
});
afterEach(() => t.cleanup());

const POOL = 'pool0';
const typeKeys = (names: string[]) => [
  keys.rescuesKey(t.prefix),
  ...names.flatMap((n) => [
    keys.queueKey(t.prefix, n),
    keys.inProgressKey(t.prefix, n, POOL),
    keys.pausedKey(t.prefix, n),
    keys.lockKey(t.prefix, n),
    keys.lockInfoKey(t.prefix, n),
    keys.maxConcurrencyKey(t.prefix, n),
  ]),
];

async function fill(name: string, count: number): Promise<void> {
  await t.redis.lpush(keys.queueKey(t.prefix, name), ...Array.from({ length: count }, (_, i) => `{"name":"${name}","id":"${i}"}`));
}

async function fetch(names: string[], priorities: number[], want: number, position: number): Promise<string[]> {
  const reply = await runScript<Array<number | string>>(t.redis, 'fetch-jobs-var', typeKeys(names), [POOL, want, String(position), ...priorities]);
  const taken: string[] = [];
  for (let i = 0; i < reply.length; i += 3) taken.push(names[Number(reply[i]) - 1]!);
  return taken;
}

const tally = (names: string[]) => names.reduce<Record<string, number>>((acc, n) => ({ ...acc, [n]: (acc[n] ?? 0) + 1 }), {});

/** `calls` fetches of `want` jobs each, walking on as a pool does. */
async function walk(names: string[], priorities: number[], calls: number, want: number, start: number): Promise<string[]> {
  const taken: string[] = [];
  let position = start;
  for (let c = 0; c < calls; c++) {
    taken.push(...(await fetch(names, priorities, want, position)));
    position = nextDrawPosition(position, want);
  }
  return taken;
}

describe('fetch-jobs-var sampling', () => {
  it('takes each type in proportion to its priority, one job per call, within a few jobs', async () => {
    const names = ['a', 'b', 'c'];
    for (const n of names) await fill(n, 1000);
    const counts = tally(await walk(names, [1, 3, 6], 600, 1, 0.37));
    // 60 / 180 / 360 exactly in proportion; random draws would stray by ±12 to ±20 (two sigma).
    expect(Math.abs(counts.a! - 60)).toBeLessThanOrEqual(3);
    expect(Math.abs(counts.b! - 180)).toBeLessThanOrEqual(3);
    expect(Math.abs(counts.c! - 360)).toBeLessThanOrEqual(3);
  });

  it('lets 100 types of equal priority take turns: after 2,500 jobs in calls of 50, each has 25 within one or two', async () => {
    const names = Array.from({ length: 100 }, (_, i) => `q${i}`);
    for (const n of names) await fill(n, 40);
    const counts = tally(await walk(names, names.map(() => 1), 50, 50, 0.81));
    expect(Object.keys(counts)).toHaveLength(100);
    // A random draw spreads these by ±5 at one sigma (CV 20 %).
    for (const n of names) expect(Math.abs(counts[n]! - 25)).toBeLessThanOrEqual(2);
  });

  it('walks on within a call and from one call to the next: other positions, other orders', async () => {
    const names = ['a', 'b'];
    for (const n of names) await fill(n, 1000);
    const first = await fetch(names, [1, 1], 40, 0.1);
    const second = await fetch(names, [1, 1], 40, 0.6);
    expect(first).toHaveLength(40);
    expect(first.join()).not.toBe(second.join());
    for (const batch of [first, second]) expect(Math.abs(tally(batch).a! - 20)).toBeLessThanOrEqual(1);
  });

  it('skips paused, capped and empty types, and stops when none is eligible', async () => {
    const names = ['paused', 'capped', 'short'];
    for (const n of names) await fill(n, 10);
    await t.redis.del(keys.queueKey(t.prefix, 'short'));
    await fill('short', 3);
    await t.redis.set(keys.pausedKey(t.prefix, 'paused'), '1');
    await t.redis.set(keys.maxConcurrencyKey(t.prefix, 'capped'), '2');
    const taken = await fetch(names, [100, 1, 1], 50, 0.5);
    expect(tally(taken)).toEqual({ capped: 2, short: 3 });
    expect(await t.redis.get(keys.lockKey(t.prefix, 'capped'))).toBe('2');
    expect(await t.redis.hget(keys.lockInfoKey(t.prefix, 'capped'), POOL)).toBe('2');
    expect(await t.redis.llen(keys.inProgressKey(t.prefix, 'short', POOL))).toBe(3);
    expect(await t.redis.llen(keys.queueKey(t.prefix, 'paused'))).toBe(10);
  });
});
