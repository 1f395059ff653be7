// The fetch script draws job types by priority itself (gocraft draws them in
// Go, one job per call): each job taken is of a type drawn with probability
// proportional to its priority among the types still eligible.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as keys from '../../src/engine/codec/keys.js';
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

async function fetch(names: string[], priorities: number[], want: number, seed: number): Promise<string[]> {
  const reply = await runScript<Array<number | string>>(t.redis, 'fetch-jobs-var', typeKeys(names), [POOL, want, seed, ...priorities]);
  const taken: string[] = [];
  for (let i = 0; i < reply.length; i += 3) taken.push(names[Number(reply[i]) - 1]!);
  return taken;
}

const tally = (names: string[]) => names.reduce<Record<string, number>>((acc, n) => ({ ...acc, [n]: (acc[n] ?? 0) + 1 }), {});

describe('fetch-jobs-var sampling', () => {
  it('takes each type in proportion to its priority, one job per call', async () => {
    const names = ['a', 'b', 'c'];
    for (const n of names) await fill(n, 1000);
    const taken: string[] = [];
    for (let seed = 1; seed <= 600; seed++) taken.push(...(await fetch(names, [1, 3, 6], 1, seed)));
    const counts = tally(taken);
    // Expected 60 / 180 / 360; the seeds are fixed, so this cannot flake.
    expect(counts.a).toBeGreaterThan(35);
    expect(counts.a).toBeLessThan(90);
    expect(counts.b).toBeGreaterThan(140);
    expect(counts.b).toBeLessThan(220);
    expect(counts.c).toBeGreaterThan(310);
    expect(counts.c).toBeLessThan(410);
  });

  it('draws every job of a batch independently, and different seeds give different draws', async () => {
    const names = ['a', 'b'];
    for (const n of names) await fill(n, 1000);
    const first = await fetch(names, [1, 1], 40, 7);
    const second = await fetch(names, [1, 1], 40, 8);
    expect(first).toHaveLength(40);
    expect(first.join()).not.toBe(second.join());
    const counts = tally([...first, ...second]);
    expect(counts.a).toBeGreaterThan(20);
    expect(counts.b).toBeGreaterThan(20);
  });

  it('skips paused, capped and empty types, and stops when none is eligible', async () => {
    const names = ['paused', 'capped', 'short'];
    for (const n of names) await fill(n, 10);
    await t.redis.del(keys.queueKey(t.prefix, 'short'));
    await fill('short', 3);
    await t.redis.set(keys.pausedKey(t.prefix, 'paused'), '1');
    await t.redis.set(keys.maxConcurrencyKey(t.prefix, 'capped'), '2');
    const taken = await fetch(names, [100, 1, 1], 50, 3);
    expect(tally(taken)).toEqual({ capped: 2, short: 3 });
    expect(await t.redis.get(keys.lockKey(t.prefix, 'capped'))).toBe('2');
    expect(await t.redis.hget(keys.lockInfoKey(t.prefix, 'capped'), POOL)).toBe('2');
    expect(await t.redis.llen(keys.inProgressKey(t.prefix, 'short', POOL))).toBe(3);
    expect(await t.redis.llen(keys.queueKey(t.prefix, 'paused'))).toBe(10);
  });
});
