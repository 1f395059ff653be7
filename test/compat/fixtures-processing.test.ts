// Every gocraft fixture scenario, both versions, loaded into Redis and then
// processed by our pool: each waiting job (queued, in a crashed pool's
// in-progress list, scheduled or in retry, all due by now) runs exactly once
// with the args Go wrote; unique markers are released; crashed pools are
// reaped with lock and lock_info corrected; dead jobs stay dead.
import { describe, expect, it } from 'vitest';
import { decodeJob } from '../../src/engine/codec/job.js';
import { deadKey, heartbeatKey, knownJobsKey, workerPoolsKey } from '../../src/engine/codec/keys.js';
import { loadSnapshot, SCENARIOS, VERSIONS, type GoVersion, type Scenario, type SnapshotEntry } from '../support/fixtures.js';
import { usePoolHarness } from '../support/pool-harness.js';
import { waitFor } from '../support/wait.js';

const harness = usePoolHarness('fixture');

interface Expected {
  id: string;
  name: string;
  args: unknown;
}

/** The jobs that should run: what waits in queues, in-progress lists, scheduled and retry. */
function waitingJobs(entries: SnapshotEntry[], prefix: string): Expected[] {
  const out: Expected[] = [];
  const markers = new Map(entries.filter((e) => e.type === 'string' && e.key.startsWith(`${prefix}unique:`)).map((e) => [e.key, e.value as string]));
  const add = (raw: string) => {
    let job = decodeJob(raw);
    // gocraft master by-key: the marker holds the job that really runs (the latest call's).
    const marker = job.unique && job.uniqueKey ? markers.get(job.uniqueKey) : undefined;
    if (marker && marker.startsWith('{')) job = decodeJob(marker);
    out.push({ id: job.id, name: job.name, args: job.args ?? {} });
  };
  for (const e of entries) {
    if (e.type === 'list' && e.key.startsWith(`${prefix}jobs:`)) e.value.forEach(add);
    if (e.type === 'zset' && (e.key === `${prefix}scheduled` || e.key === `${prefix}retry`)) e.value.forEach(([m]) => add(m));
  }
  return out;
}

const scenarios = VERSIONS.flatMap((version) =>
  SCENARIOS.filter((s) => s !== 'empty_namespace').map((scenario) => [version, scenario] as [GoVersion, Scenario]),
);

describe('our pool processes what gocraft wrote', () => {
  it.each(scenarios)('%s %s', async (version, scenario) => {
    const { t, pool } = harness();
    const entries = await loadSnapshot(t.redis, version, scenario, t.prefix);
    // Let paused queues run too: this test is about decoding and running Go's jobs.
    const paused = entries.filter((e) => e.key.endsWith(':paused')).map((e) => e.key);
    if (paused.length > 0) await t.redis.del(...paused);
    const goPools = entries.filter((e) => e.key.startsWith(`${t.prefix}worker_pools:`)).map((e) => e.key.slice(`${t.prefix}worker_pools:`.length));
    const expected = waitingJobs(entries, t.prefix);
    const deadBefore = await t.redis.zrange(deadKey(t.prefix), 0, -1);

    const ran: Expected[] = [];
    const names = new Set(await t.redis.smembers(knownJobsKey(t.prefix)));
    for (const job of expected) names.add(job.name);
    // A reaper judges others once its own pool has beaten steadily for two intervals.
    const p = pool({ concurrency: 4, reaperIntervalMs: 100, heartbeatIntervalMs: 200 });
    for (const name of names) p.job(name, (job) => void ran.push({ id: job.id, name: job.name, args: job.args }));
    await p.start();

    await waitFor(() => ran.length >= expected.length, { message: `${expected.length} jobs to run (ran ${ran.length})` });
    await p.drain();

    expect(ran.map((j) => j.id).sort()).toEqual(expected.map((j) => j.id).sort());
    for (const job of expected) {
      expect(ran.find((r) => r.id === job.id), job.id).toEqual(job);
    }
    // Nothing left in flight, and the lock counts are right again.
    const leftovers = (await harness().keysInNamespace()).filter((k) => k.endsWith(':inprogress'));
    expect(leftovers).toEqual([]);
    for (const key of (await harness().keysInNamespace()).filter((k) => k.endsWith(':lock'))) {
      expect(await t.redis.get(key), key).toBe('0');
    }
    for (const key of (await harness().keysInNamespace()).filter((k) => k.endsWith(':lock_info'))) {
      const fields = await t.redis.hgetall(key);
      for (const goPool of goPools) expect(fields[goPool], `${key} keeps no share for the crashed pool`).toBeUndefined();
      for (const [pool, held] of Object.entries(fields)) if (pool !== p.id) expect(held, `${key} ${pool}`).toBe('0');
    }
    // Crashed pools are forgotten; unique markers of jobs that ran are released.
    const registered = await t.redis.smembers(workerPoolsKey(t.prefix));
    for (const goPool of goPools) {
      expect(registered).not.toContain(goPool);
      expect(await t.redis.exists(heartbeatKey(t.prefix, goPool))).toBe(0);
    }
    const markers = (await harness().keysInNamespace()).filter((k) => k.startsWith(`${t.prefix}unique:`));
    expect(markers).toEqual([]);
    // Dead jobs are not touched by processing.
    expect(await t.redis.zrange(deadKey(t.prefix), 0, -1)).toEqual(deadBefore);
  });
});
