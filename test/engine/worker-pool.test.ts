import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Enqueuer } from '../../src/engine/enqueuer/enqueuer.js';
import { WorkerPool } from '../../src/engine/pool/worker-pool.js';
import * as keys from '../../src/engine/codec/keys.js';
import { decodeJob } from '../../src/engine/codec/job.js';
import type { JobContext } from '../../src/engine/pool/job-context.js';
import { testRedis, type TestRedis } from '../support/redis.js';
import { deferred, waitFor } from '../support/wait.js';

let t: TestRedis;
let enqueuer: Enqueuer;
const pools: WorkerPool[] = [];

function pool(options: ConstructorParameters<typeof WorkerPool>[0] = {}): WorkerPool {
  const p = new WorkerPool({ redis: t.connect(), namespace: t.namespace, ...options });
  pools.push(p);
  return p;
}

beforeEach(async () => {
  t = await testRedis('pool');
  enqueuer = new Enqueuer({ redis: t.redis, namespace: t.namespace });
});

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.stop({ graceMs: 100 })));
  await t.cleanup();
});

describe('WorkerPool', () => {
  it('runs every enqueued job once and leaves no trace but counters and lock keys', async () => {
    const seen: string[] = [];
    const p = pool({ concurrency: 5 }).job('email', async (job) => {
      seen.push(String(job.args.n));
    });
    await p.start();
    const jobs = await enqueuer.enqueueBulk(Array.from({ length: 50 }, (_, n) => ({ name: 'email', args: { n } })));
    expect(jobs).toHaveLength(50);
    await waitFor(() => seen.length === 50, { message: '50 jobs' });
    await p.drain();
    expect(new Set(seen).size).toBe(50);
    expect(await t.redis.llen(keys.queueKey(t.prefix, 'email'))).toBe(0);
    expect(await t.redis.llen(keys.inProgressKey(t.prefix, 'email', p.id))).toBe(0);
    expect(await t.redis.get(keys.lockKey(t.prefix, 'email'))).toBe('0');
    await waitFor(async () => (await t.redis.hget(keys.processedCountKey(t.prefix), 'email')) === '50');
  });

  it('gives handlers the job fields, and runs middleware in order around the handler', async () => {
    const calls: string[] = [];
    const got = deferred<JobContext>();
    const p = pool()
      .use(async (job, next) => {
        calls.push('outer:before');
        await next();
        calls.push('outer:after');
      })
      .use(async (_job, next) => {
        calls.push('inner:before');
        await next();
        calls.push('inner:after');
      })
      .job('hello', (job) => {
        calls.push('handler');
        got.resolve(job);
      });
    await p.start();
    const enqueued = await enqueuer.enqueue('hello', { who: 'world' });
    const job = await got.promise;
    expect(job).toMatchObject({ name: 'hello', id: enqueued.id, args: { who: 'world' }, fails: 0 });
    expect(job.signal).toBeInstanceOf(AbortSignal);
    await p.drain();
    await waitFor(() => calls.length === 5);
    expect(calls).toEqual(['outer:before', 'inner:before', 'handler', 'inner:after', 'outer:after']);
  });

  it('files a failing job in retry with gocraft fields, then dead after maxFails', async () => {
    const p = pool().job('boom', { maxFails: 2, backoff: () => 0 }, () => {
      throw new Error('planned failure');
    });
    const dead = deferred();
    p.on('job:dead', () => dead.resolve());
    await p.start();
    await enqueuer.enqueue('boom', { k: 'v' });
    await dead.promise;
    const [member, score] = await waitFor(async () => {
      const found = await t.redis.zrange(keys.deadKey(t.prefix), 0, -1, 'WITHSCORES');
      return found.length === 2 ? found : undefined;
    });
    const job = decodeJob(member!);
    expect(job).toMatchObject({ name: 'boom', fails: 2, lastError: 'planned failure', args: { k: 'v' } });
    expect(job.failedAt).toBe(Number(score));
    expect(await t.redis.zcard(keys.retryKey(t.prefix))).toBe(0);
    expect(await t.redis.hget(keys.failedCountKey(t.prefix), 'boom')).toBe('2');
  });
});
