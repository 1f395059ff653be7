// How a pool groups its work into round trips (pool/trip-policy.ts and the
// dispatcher): a backlog is worked off in trips that fill the pool, not in
// trips of one job each, and a second trip goes on the wire only when it can
// fill half the pool.
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { rescuesKey } from '../../src/engine/codec/keys.js';
import { MAX_TRIPS_IN_FLIGHT, shouldStartTrip } from '../../src/engine/pool/trip-policy.js';
import { usePoolHarness } from '../support/pool-harness.js';
import { redisUrl } from '../support/redis.js';
import { waitFor } from '../support/wait.js';

describe('shouldStartTrip', () => {
  const base = { inFlight: 0, want: 0, pendingAcks: 0, concurrency: 10, stopping: false };

  it('sends the first trip for one free slot or one acknowledgement, and nothing when there is neither', () => {
    expect(shouldStartTrip({ ...base, want: 1 })).toBe(true);
    expect(shouldStartTrip({ ...base, pendingAcks: 1 })).toBe(true);
    expect(shouldStartTrip(base)).toBe(false);
  });

  it('sends a second trip only when it fills half the pool, or during a stop', () => {
    const second = { ...base, inFlight: 1 };
    expect(shouldStartTrip({ ...second, want: 4, pendingAcks: 4 })).toBe(false);
    expect(shouldStartTrip({ ...second, want: 5 })).toBe(true);
    expect(shouldStartTrip({ ...second, pendingAcks: 3, stopping: true })).toBe(true);
    expect(shouldStartTrip({ ...second, concurrency: 1, want: 1 })).toBe(true);
  });

  it(`never has more than ${MAX_TRIPS_IN_FLIGHT} on the wire`, () => {
    expect(shouldStartTrip({ ...base, inFlight: MAX_TRIPS_IN_FLIGHT, want: 10, pendingAcks: 10, stopping: true })).toBe(false);
  });
});

const onCluster = redisUrl().startsWith('redis+cluster');
const harness = usePoolHarness('trips');

describe.skipIf(onCluster)('a pool working off a backlog', () => {
  it('fills its slots with each fetch: 300 no-op jobs on 10 slots take about 30 fetches, not one per job or two', async () => {
    const { t, enqueuer, pool } = harness();
    await enqueuer.enqueueBulk(Array.from({ length: 300 }, (_, i) => ({ name: 'noop', args: { i } })));
    // MONITOR sees every command the server runs; a fetch is the script call whose first key is this namespace's rescues hash.
    const monitorConnection = new Redis(redisUrl());
    const monitor = await monitorConnection.monitor();
    const fetches: number[] = [];
    const rescues = rescuesKey(t.prefix);
    monitor.on('monitor', (_time: string, args: string[]) => {
      // Valkey's MONITOR shows an EVALSHA as the EVAL of its script.
      const command = args[0]?.toLowerCase();
      if ((command === 'evalsha' || command === 'eval') && args[3] === rescues) {
        // After the keys: the pool id, then how many jobs the fetch asks for.
        fetches.push(Number(args[3 + Number(args[2]) + 1]));
      }
    });
    try {
      let done = 0;
      const p = pool({ concurrency: 10 }).job('noop', () => {
        done++;
      });
      await p.start();
      await waitFor(() => done === 300, { message: '300 jobs run' });
      await p.drain();
      // Each fetch asks for the free slots it may fill: all ten, nearly
      // always. (Sending a trip whenever a slot freed took about 70 here.)
      const full = fetches.filter((want) => want === 10).length;
      expect(fetches.length).toBeGreaterThanOrEqual(25);
      expect(fetches.length).toBeLessThanOrEqual(45);
      expect(full).toBeGreaterThanOrEqual(25);
    } finally {
      monitor.disconnect();
      monitorConnection.disconnect();
    }
  });
});
