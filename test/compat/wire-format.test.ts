// What our pool writes while busy has exactly gocraft's keys, types and fields:
// compared with the snapshot the real gocraft/work (master) wrote in the same
// situation (busy_pool: a capped queue, a paused queue, a free one, check-ins).
import { describe, expect, it } from 'vitest';
import { heartbeatKey, lockInfoKey, lockKey, pausedKey } from '../../src/engine/codec/keys.js';
import { snapshot, type SnapshotEntry } from '../support/fixtures.js';
import { usePoolHarness } from '../support/pool-harness.js';
import { onCluster } from '../support/redis.js';
import { deferred, waitFor } from '../support/wait.js';

const harness = usePoolHarness('wire');

/** Key shapes with ids and the prefix replaced, so two runs compare. */
function shapes(entries: Array<{ key: string; type: string }>, prefix: string, poolId: string, workerIds: string[]): string[] {
  return entries
    .map(({ key, type }) => {
      let k = key.replace(prefix, '<p>').replace(poolId, '<pool>');
      for (const w of workerIds) k = k.replace(w, '<worker>');
      return `${k} ${type}`;
    })
    .sort();
}

// Presence (work's own hash of live pools) is off on a cluster, so there the
// presence hash is not among the keys.
const presence = !onCluster();

describe('wire format of a busy pool', () => {
  it('matches gocraft master busy_pool key for key, field for field', async () => {
    const { t, enqueuer, pool } = harness();
    await t.redis.set(pausedKey(t.prefix, 'bp_paused'), '1');
    const release = deferred();
    const checkins: string[] = [];
    const handler = async (job: { checkin(m: string): void }) => {
      checkins.push('x');
      job.checkin(`checkin ${checkins.length}`);
      await release.promise;
    };
    const p = pool({ concurrency: 3, observerIntervalMs: 50, presenceIntervalMs: 50 })
      .job('bp_limited', { maxConcurrency: 2 }, handler)
      .job('bp_paused', handler)
      .job('bp_free', handler);
    await enqueuer.enqueueBulk([
      ...[1, 2, 3, 4].map((i) => ({ name: 'bp_limited', args: { i } })),
      { name: 'bp_paused', args: { p: 1 } },
      { name: 'bp_paused', args: { p: 2 } },
      { name: 'bp_free', args: { note: '<free> & easy', f: 1.5, big: 123456789012345 } },
    ]);
    await p.start();
    try {
      const keysWhenBusy = async () => {
        const keys = await harness().keysInNamespace();
        return keys.filter((k) => k.includes(':worker:')).length === 3 && (!presence || keys.includes(`${t.prefix}presence`)) ? keys : undefined;
      };
      const ourKeys = await waitFor(keysWhenBusy, { message: 'three busy workers observed' });
      const beat = await t.redis.hgetall(heartbeatKey(t.prefix, p.id));
      const workerIds = beat.worker_ids!.split(',');
      const types = await Promise.all(ourKeys.map(async (key) => ({ key, type: await t.redis.type(key) })));

      const fixture = snapshot('master', 'busy_pool');
      const goPool = fixture.find((e) => e.key.startsWith('fx:worker_pools:'))!.key.slice('fx:worker_pools:'.length);
      const goHeartbeat = fixture.find((e) => e.key === `fx:worker_pools:${goPool}`) as Extract<SnapshotEntry, { type: 'hash' }>;
      const goWorkers = goHeartbeat.value.worker_ids!.split(',');

      // Same keys and types, plus work's own additions on keys Go never reads
      // (job priorities, the presence hash; the processed/failed counters appear once a job finishes).
      const workOnly = types.filter(({ key }) => key.endsWith(':priority') || key === `${t.prefix}presence`);
      expect(workOnly.map(({ key }) => key).sort()).toEqual([
        ...['bp_free', 'bp_limited', 'bp_paused'].map((n) => `${t.prefix}jobs:${n}:priority`),
        ...(presence ? [`${t.prefix}presence`] : []),
      ]);
      expect(Object.keys(await t.redis.hgetall(`${t.prefix}presence`))).toEqual(presence ? [p.id] : []);
      const gocraftShaped = types.filter((entry) => !workOnly.includes(entry));
      expect(shapes(gocraftShaped, t.prefix, p.id, workerIds)).toEqual(shapes(fixture, 'fx:', goPool, goWorkers));

      // Heartbeat: exactly gocraft's fields, integers where Go parses integers.
      expect(Object.keys(beat).sort()).toEqual(Object.keys(goHeartbeat.value).sort());
      for (const field of ['heartbeat_at', 'started_at', 'pid', 'concurrency']) expect(beat[field], field).toMatch(/^\d+$/);
      expect(beat.job_names).toBe('bp_free,bp_limited,bp_paused');
      expect(beat.concurrency).toBe('3');
      expect(workerIds).toEqual([...workerIds].sort());

      // Observations: gocraft's fields, a day's TTL, Go's JSON of the args.
      const goObservation = fixture.find((e) => e.key.startsWith('fx:worker:')) as Extract<SnapshotEntry, { type: 'hash' }>;
      for (const id of workerIds) {
        const hash = await waitFor(async () => {
          const h = await t.redis.hgetall(`${t.prefix}worker:${id}`);
          return h.checkin ? h : undefined;
        });
        expect(Object.keys(hash).sort()).toEqual(Object.keys(goObservation.value).sort());
        expect(await t.redis.ttl(`${t.prefix}worker:${id}`)).toBeGreaterThan(86_000);
        if (hash.job_name === 'bp_free') expect(hash.args).toBe('{"big":123456789012345,"f":1.5,"note":"\\u003cfree\\u003e \\u0026 easy"}');
      }

      // Lock accounting as gocraft keeps it: lock = sum of lock_info, capped queue at its cap.
      expect(await t.redis.get(lockKey(t.prefix, 'bp_limited'))).toBe('2');
      expect(await t.redis.hgetall(lockInfoKey(t.prefix, 'bp_limited'))).toEqual({ [p.id]: '2' });
      expect(await t.redis.get(`${t.prefix}jobs:bp_limited:max_concurrency`)).toBe('2');
      expect(await t.redis.exists(lockKey(t.prefix, 'bp_paused'))).toBe(0);
      expect(await t.redis.llen(`${t.prefix}jobs:bp_paused`)).toBe(2);
      expect(await t.redis.get(`${t.prefix}last_periodic_enqueue`)).toMatch(/^\d+$/);
    } finally {
      release.resolve();
    }
  });
});
