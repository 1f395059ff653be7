import { describe, expect, it } from 'vitest';
import { priorityOrdersArg, samplePriorityOrder } from '../../src/engine/priority-sampler.js';

/** A deterministic pseudo-random source, so the test cannot flake. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('samplePriorityOrder', () => {
  it('always returns a permutation', () => {
    const random = seeded(1);
    for (let i = 0; i < 100; i++) {
      const order = samplePriorityOrder([5, 1, 10, 3], random);
      expect([...order].sort()).toEqual([0, 1, 2, 3]);
    }
  });

  it('puts a type first with probability priority / sum', () => {
    const priorities = [1, 3, 6];
    const firsts = [0, 0, 0];
    const random = seeded(42);
    const draws = 30_000;
    for (let i = 0; i < draws; i++) firsts[samplePriorityOrder(priorities, random)[0]!]!++;
    expect(firsts[0]! / draws).toBeCloseTo(0.1, 1);
    expect(firsts[1]! / draws).toBeCloseTo(0.3, 1);
    expect(firsts[2]! / draws).toBeCloseTo(0.6, 1);
  });

  it('orders the rest by weight too', () => {
    const random = seeded(7);
    let heavySecond = 0;
    const draws = 20_000;
    for (let i = 0; i < draws; i++) {
      const order = samplePriorityOrder([100, 1, 9], random);
      if (order[0] === 0 && order[1] === 2) heavySecond++;
    }
    // P(first = 0) = 100/110; given that, P(second = 2) = 9/10.
    expect(heavySecond / draws).toBeCloseTo((100 / 110) * 0.9, 1);
  });

  it('handles a single type and equal priorities', () => {
    expect(samplePriorityOrder([7])).toEqual([0]);
    expect(samplePriorityOrder([1, 1], () => 0)).toHaveLength(2);
  });
});

describe('priorityOrdersArg', () => {
  it('writes one 1-based order per slot, in the format the fetch script reads', () => {
    const random = seeded(7);
    const arg = priorityOrdersArg([5, 1, 10], 4, random);
    const orders = arg.split(';');
    expect(orders).toHaveLength(4);
    for (const order of orders) expect(order.split(',').map(Number).sort()).toEqual([1, 2, 3]);
  });

  it('draws the same orders as samplePriorityOrder with the same random source', () => {
    const a = seeded(11);
    const b = seeded(11);
    const fromSampler = [0, 1, 2].map(() => samplePriorityOrder([2, 9, 4, 1], a).map((i) => i + 1).join(',')).join(';');
    expect(priorityOrdersArg([2, 9, 4, 1], 3, b)).toBe(fromSampler);
  });

  it('needs no draw for a single type, and is empty for no slot', () => {
    expect(priorityOrdersArg([3], 3, () => {
      throw new Error('no draw expected');
    })).toBe('1;1;1');
    expect(priorityOrdersArg([3, 4], 0)).toBe('');
    expect(priorityOrdersArg([3], 0)).toBe('');
  });
});
