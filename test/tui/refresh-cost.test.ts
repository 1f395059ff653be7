// A console refresh costs a fixed number of round trips, whatever the size of
// the sets (a million dead jobs must not slow work top down).
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client } from '../../src/engine/client/client.js';
import { encodeJob } from '../../src/engine/codec/job.js';
import * as keys from '../../src/engine/codec/keys.js';
import { fetchSnapshot } from '../../src/tui/data/fetch-snapshot.js';
import { testRedis, type TestRedis } from '../support/redis.js';

let t: TestRedis;

beforeEach(async () => {
  t = await testRedis('cost');
});
afterEach(() => t.cleanup());

/** Counts round trips: each command sent on its own, and each pipeline or MULTI sent. */
function countRoundTrips(redis: Redis): { count: () => number } {
  let trips = 0;
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = ((...args: Parameters<Redis['sendCommand']>) => {
    // Commands of a pipeline carry their index in it; the pipeline is counted once, at exec.
    if ((args[0] as { pipelineIndex?: number }).pipelineIndex === undefined) trips++;
    return send(...args);
  }) as Redis['sendCommand'];
  for (const factory of ['pipeline', 'multi'] as const) {
    const make = (redis[factory] as (...a: unknown[]) => ReturnType<Redis['pipeline']>).bind(redis);
    (redis as unknown as Record<string, unknown>)[factory] = (...a: unknown[]) => {
      const pipe = make(...a);
      const exec = pipe.exec.bind(pipe);
      pipe.exec = ((...e: Parameters<typeof exec>) => {
        trips++;
        return exec(...e);
      }) as typeof pipe.exec;
      return pipe;
    };
  }
  return { count: () => trips };
}

// One clock for every seed, so seeding twice writes the same members (a second boundary would add new ones).
const SEEDED_AT = Math.floor(Date.now() / 1000);

async function seed(queues: number, pools: number, dead: number): Promise<void> {
  const now = SEEDED_AT;
  const pipe = t.redis.pipeline();
  for (let q = 0; q < queues; q++) {
    pipe.sadd(keys.knownJobsKey(t.prefix), `q${q}`);
    pipe.lpush(keys.queueKey(t.prefix, `q${q}`), encodeJob({ name: `q${q}`, id: `id${q}`, enqueuedAt: now, args: {}, unique: false, fails: 0 }));
  }
  for (let p = 0; p < pools; p++) {
    pipe.sadd(keys.workerPoolsKey(t.prefix), `pool${p}`);
    pipe.hset(keys.heartbeatKey(t.prefix, `pool${p}`), { heartbeat_at: now, started_at: now, job_names: 'q0', concurrency: 2, worker_ids: `w${p}a,w${p}b`, host: 'h', pid: p });
  }
  for (let d = 0; d < dead; d++) {
    pipe.zadd(keys.deadKey(t.prefix), now - d, encodeJob({ name: 'q0', id: `dead${d}`, enqueuedAt: now, args: {}, unique: false, fails: 4, lastError: 'x', failedAt: now - d }));
  }
  await pipe.exec();
}

describe('console refresh cost', () => {
  it('takes at most 10 round trips, the same for small and large clusters', async () => {
    const redis = t.connect();
    await redis.ping(); // let ioredis finish its own handshake (INFO ready check) before counting
    const counter = countRoundTrips(redis);
    const client = new Client({ redis, namespace: t.namespace });

    await seed(2, 1, 5);
    let before = counter.count();
    await fetchSnapshot(client, { set: 'dead', page: 1 }, Date.now());
    const small = counter.count() - before;

    await seed(300, 40, 20_000);
    before = counter.count();
    const snapshot = await fetchSnapshot(client, { set: 'dead', page: 3 }, Date.now());
    const large = counter.count() - before;

    expect(snapshot.counts.dead).toBe(20_000);
    expect(snapshot.page?.result.jobs).toHaveLength(20);
    expect(snapshot.queues).toHaveLength(300);
    expect(snapshot.observations).toHaveLength(80);
    // Queues 2, pools and workers 3, stats, set sizes, server info and the page 1 each.
    expect(small).toBe(9);
    expect(large).toBe(small);
  });

  it('an opened queue adds one round trip and the stats view two, whatever the sizes', async () => {
    const redis = t.connect();
    await redis.ping();
    const counter = countRoundTrips(redis);
    const client = new Client({ redis, namespace: t.namespace });
    const cost = async (request: Parameters<typeof fetchSnapshot>[1]) => {
      const before = counter.count();
      await fetchSnapshot(client, request, Date.now());
      return counter.count() - before;
    };
    await seed(2, 1, 5);
    const small = [await cost({ page: 1, queue: { jobName: 'q0', page: 1 } }), await cost({ page: 1, stats: true })];
    await seed(300, 40, 5000);
    for (let i = 0; i < 50; i++) await t.redis.lpush(keys.queueKey(t.prefix, 'q0'), encodeJob({ name: 'q0', id: `more${i}`, enqueuedAt: 1, args: {}, unique: false, fails: 0 }));
    const large = [await cost({ page: 1, queue: { jobName: 'q0', page: 2 } }), await cost({ page: 1, stats: true })];
    // Without a set page: queues 2, pools and workers 3, stats, set sizes and server info 1 each.
    expect(small).toEqual([9, 10]);
    expect(large).toEqual(small);
  });
});
