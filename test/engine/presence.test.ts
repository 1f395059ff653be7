import { describe, expect, it } from 'vitest';
import { AbsenceTracker, unsubscribed } from '../../src/engine/presence.js';

describe('AbsenceTracker', () => {
  it('reports a pool once it has been missing for the grace period, by the observer clock', () => {
    const tracker = new AbsenceTracker(3000);
    expect(tracker.observe(['a'], 1000)).toEqual([]);
    expect(tracker.observe(['a'], 3999)).toEqual([]);
    expect(tracker.observe(['a'], 4000)).toEqual(['a']);
    expect(tracker.observe(['a', 'b'], 5000)).toEqual(['a']);
  });

  it('starts again when a pool is seen present in between', () => {
    const tracker = new AbsenceTracker(3000);
    tracker.observe(['a'], 0);
    tracker.observe([], 2000); // reconnected in time
    expect(tracker.observe(['a'], 3500)).toEqual([]);
    expect(tracker.observe(['a'], 6500)).toEqual(['a']);
  });

  it('forgets every sighting on reset', () => {
    const tracker = new AbsenceTracker(1000);
    tracker.observe(['a'], 0);
    tracker.reset();
    expect(tracker.observe(['a'], 5000)).toEqual([]);
  });

  it('needs two sightings unless the grace is zero', () => {
    expect(new AbsenceTracker(0).observe(['a'], 10)).toEqual(['a']);
    expect(new AbsenceTracker(1).observe(['a'], 10)).toEqual([]);
  });
});

describe('unsubscribed', () => {
  it('picks the pools whose channel counts no subscriber, in request order', () => {
    expect(unsubscribed(['a', 'b', 'c'], ['ns:presence:a', 1, 'ns:presence:b', 0, 'ns:presence:c', '0'])).toEqual(['b', 'c']);
    expect(unsubscribed([], [])).toEqual([]);
  });
});
