import { describe, expect, it } from 'vitest';
import { AbsenceTracker, QUIET_INTERVALS, WATCHERS_PER_TICK, declaredIntervalMs, pulseValue, ticksPerCheck, unsubscribed, type Sighting } from '../../src/engine/pool/presence.js';

const gone = (poolId: string, pulse = '1000:7', intervalMs = 1000): Sighting => ({ poolId, pulse, intervalMs });

describe('AbsenceTracker', () => {
  it('reports a pool missing for the grace period whose pulse stood still', () => {
    const tracker = new AbsenceTracker(3000);
    expect(tracker.observe([gone('a')], 1000)).toEqual([]);
    expect(tracker.observe([gone('a')], 3999)).toEqual([]);
    expect(tracker.observe([gone('a')], 4000)).toEqual(['a']);
    expect(tracker.observe([gone('a'), gone('b')], 5000)).toEqual(['a']);
  });

  it('waits for the pulse to stand still for two of the pool\'s intervals', () => {
    const tracker = new AbsenceTracker(3000);
    const slow = (pulse: string) => gone('a', pulse, 5000);
    tracker.observe([slow('5000:1')], 0);
    expect(tracker.observe([slow('5000:1')], 3000)).toEqual([]); // missing long enough, but a slow pulse may still come
    expect(tracker.observe([slow('5000:1')], QUIET_INTERVALS * 5000 - 1)).toEqual([]);
    expect(tracker.observe([slow('5000:1')], QUIET_INTERVALS * 5000)).toEqual(['a']);
  });

  it('never reports a pool that keeps pulsing, however long its subscription is missing', () => {
    const tracker = new AbsenceTracker(3000);
    for (let t = 0; t <= 60_000; t += 1000) {
      expect(tracker.observe([gone('a', pulseValue(1000, t / 1000))], t)).toEqual([]);
    }
  });

  it('starts again when a pool is seen present in between', () => {
    const tracker = new AbsenceTracker(3000);
    tracker.observe([gone('a')], 0);
    tracker.observe([], 2000); // reconnected in time
    expect(tracker.observe([gone('a')], 3500)).toEqual([]);
    expect(tracker.observe([gone('a')], 6500)).toEqual(['a']);
  });

  it('forgets every sighting on reset', () => {
    const tracker = new AbsenceTracker(1000);
    tracker.observe([gone('a')], 0);
    tracker.reset();
    expect(tracker.observe([gone('a')], 5000)).toEqual([]);
  });
});

describe('unsubscribed', () => {
  it('picks the pools whose channel counts no subscriber, in request order', () => {
    expect(unsubscribed(['a', 'b', 'c'], ['ns:presence:a', 1, 'ns:presence:b', 0, 'ns:presence:c', '0'])).toEqual(['b', 'c']);
    expect(unsubscribed([], [])).toEqual([]);
  });
});

describe('pulses', () => {
  it('carry the interval the pool declared; 5 s is assumed when unreadable', () => {
    expect(pulseValue(1000, 3)).toBe('1000:3');
    expect(declaredIntervalMs(pulseValue(1500, 9))).toBe(1500);
    expect(declaredIntervalMs(undefined)).toBe(5000);
    expect(declaredIntervalMs('x:1')).toBe(5000);
    expect(declaredIntervalMs('0:1')).toBe(5000);
  });
});

describe('ticksPerCheck', () => {
  it('checks every tick up to WATCHERS_PER_TICK pools, then keeps the cluster near that many checks a tick', () => {
    expect(ticksPerCheck(0)).toBe(1);
    expect(ticksPerCheck(WATCHERS_PER_TICK)).toBe(1);
    expect(ticksPerCheck(WATCHERS_PER_TICK + 1)).toBe(2);
    expect(ticksPerCheck(1000)).toBe(5);
    for (const pools of [1, 50, 200, 201, 999, 1000, 5000]) expect(pools / ticksPerCheck(pools)).toBeLessThanOrEqual(WATCHERS_PER_TICK);
  });
});
