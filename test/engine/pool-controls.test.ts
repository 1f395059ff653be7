// Queue controls a pool obeys (spec 6.3, 9): priorities, the pause flag, and
// MaxConcurrency across the namespace.
import { describe, expect, it } from 'vitest';
import * as keys from '../../src/engine/codec/keys.js';
import { usePoolHarness } from '../support/pool-harness.js';
import { deferred, waitFor } from '../support/wait.js';

const h = usePoolHarness('ctl');

describe('priorities', () => {
  it('takes from the higher-priority queue first most of the time (1 vs 50, concurrency 1)', async () => {
    const { enqueuer, pool } = h();
    const order: string[] = [];
    const p = pool({ concurrency: 1 })
      .job('low', { priority: 1 }, (job) => {
        order.push(job.name);
      })
      .job('high', { priority: 50 }, (job) => {
        order.push(job.name);
      });
    await enqueuer.enqueueBulk(Array.from({ length: 40 }, () => ({ name: 'low', args: {} })));
    await enqueuer.enqueueBulk(Array.from({ length: 40 }, () => ({ name: 'high', args: {} })));
    await p.start();
    await waitFor(() => order.length >= 30, { message: '30 jobs run' });
    // P(high first) = 50/51 per fetch while both queues are full: ~29.4 of 30 expected.
    // Below 24 has a probability far under one in a billion.
    const high = order.slice(0, 30).filter((n) => n === 'high').length;
    expect(high).toBeGreaterThanOrEqual(24);
    await waitFor(() => order.length === 80, { message: 'all 80 jobs run' });
  });

  it('with equal priorities, both queues are served', async () => {
    const { enqueuer, pool } = h();
    const order: string[] = [];
    const p = pool({ concurrency: 1 })
      .job('one', (job) => {
        order.push(job.name);
      })
      .job('two', (job) => {
        order.push(job.name);
      });
    await enqueuer.enqueueBulk(Array.from({ length: 30 }, () => ({ name: 'one', args: {} })));
    await enqueuer.enqueueBulk(Array.from({ length: 30 }, () => ({ name: 'two', args: {} })));
    await p.start();
    await waitFor(() => order.length >= 30);
    const ones = order.slice(0, 30).filter((n) => n === 'one').length;
    // Binomial(30, 1/2): outside 5..25 has a probability under one in ten thousand.
    expect(ones).toBeGreaterThanOrEqual(5);
    expect(ones).toBeLessThanOrEqual(25);
  });
});

describe('pause', () => {
  it('does not take a job from a paused queue; after DEL it runs', async () => {
    const { enqueuer, pool, t } = h();
    const ran: string[] = [];
    const p = pool({ concurrency: 1 })
      .job('paused', (job) => {
        ran.push(`paused:${job.id}`);
      })
      .job('free', (job) => {
        ran.push(`free:${job.id}`);
      });
    // Any value pauses, even "0" (gocraft tests for existence).
    await t.redis.set(keys.pausedKey(t.prefix, 'paused'), '0');
    await p.start();
    const held = await enqueuer.enqueue('paused', {});
    const marker = await enqueuer.enqueue('free', {});
    // The free job was enqueued after the paused one: once it ran, the pool has
    // fetched with the paused job waiting, and skipped it.
    await waitFor(() => ran.length === 1, { message: 'the free job ran' });
    expect(ran).toEqual([`free:${marker.id}`]);
    const second = await enqueuer.enqueue('free', {});
    await waitFor(() => ran.length === 2, { message: 'a second free job ran' });
    expect(ran[1]).toBe(`free:${second.id}`);
    expect(await t.redis.lrange(keys.queueKey(t.prefix, 'paused'), 0, -1)).toHaveLength(1);
    expect(await t.redis.llen(keys.inProgressKey(t.prefix, 'paused', p.id))).toBe(0);

    await t.redis.del(keys.pausedKey(t.prefix, 'paused'));
    // No wake-up is sent on unpause: the pool's idle polling (1 s at most) finds it.
    await waitFor(() => ran.length === 3, { message: 'the unpaused job ran' });
    expect(ran[2]).toBe(`paused:${held.id}`);
    await waitFor(async () => (await t.redis.get(keys.lockKey(t.prefix, 'paused'))) === '0');
    expect(await t.redis.llen(keys.queueKey(t.prefix, 'paused'))).toBe(0);
  });

  it('pausing does not stop a job already running', async () => {
    const { enqueuer, pool, t } = h();
    const gate = deferred();
    const started = deferred();
    let done = 0;
    const p = pool().job('long', async () => {
      started.resolve();
      await gate.promise;
      done++;
    });
    await p.start();
    await enqueuer.enqueue('long', {});
    await started.promise;
    await t.redis.set(keys.pausedKey(t.prefix, 'long'), '1');
    gate.resolve();
    await waitFor(async () => (await t.redis.hget(keys.processedCountKey(t.prefix), 'long')) === '1');
    expect(done).toBe(1);
  });
});

describe('maxConcurrency', () => {
  it('never runs more than maxConcurrency at once, even with more workers; lock returns to 0', async () => {
    const { enqueuer, pool, t } = h();
    let running = 0;
    let peak = 0;
    let lockSeen = 0;
    let finished = 0;
    const p = pool({ concurrency: 6 }).job('capped', { maxConcurrency: 2 }, async () => {
      running++;
      peak = Math.max(peak, running);
      lockSeen = Math.max(lockSeen, Number(await t.redis.get(keys.lockKey(t.prefix, 'capped'))));
      await new Promise((r) => setTimeout(r, 30));
      running--;
      finished++;
    });
    await p.start();
    expect(await t.redis.get(keys.maxConcurrencyKey(t.prefix, 'capped'))).toBe('2');
    await enqueuer.enqueueBulk(Array.from({ length: 12 }, (_, n) => ({ name: 'capped', args: { n } })));
    await waitFor(() => finished === 12, { message: '12 jobs finished' });
    expect(peak).toBe(2);
    expect(lockSeen).toBeLessThanOrEqual(2);
    await waitFor(async () => (await t.redis.get(keys.lockKey(t.prefix, 'capped'))) === '0', { message: 'lock back to 0' });
    expect(await t.redis.hget(keys.lockInfoKey(t.prefix, 'capped'), p.id)).toBe('0');
    expect(await t.redis.llen(keys.inProgressKey(t.prefix, 'capped', p.id))).toBe(0);
  });

  it('holds across pools: two pools with 4 workers each still run 2 at a time', async () => {
    const { enqueuer, pool, t } = h();
    let running = 0;
    let peak = 0;
    let finished = 0;
    const handler = async (): Promise<void> => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 30));
      running--;
      finished++;
    };
    const a = pool({ concurrency: 4 }).job('shared', { maxConcurrency: 2 }, handler);
    const b = pool({ concurrency: 4 }).job('shared', { maxConcurrency: 2 }, handler);
    await Promise.all([a.start(), b.start()]);
    await enqueuer.enqueueBulk(Array.from({ length: 12 }, (_, n) => ({ name: 'shared', args: { n } })));
    await waitFor(() => finished === 12, { message: '12 jobs finished' });
    expect(peak).toBe(2);
    await waitFor(async () => (await t.redis.get(keys.lockKey(t.prefix, 'shared'))) === '0', { message: 'lock back to 0' });
  });

  it('maxConcurrency 0 means unlimited, and is written as "0"', async () => {
    const { enqueuer, pool, t } = h();
    const gate = deferred();
    let running = 0;
    const p = pool({ concurrency: 4 }).job('free', async () => {
      running++;
      await gate.promise;
    });
    await p.start();
    expect(await t.redis.get(keys.maxConcurrencyKey(t.prefix, 'free'))).toBe('0');
    await enqueuer.enqueueBulk(Array.from({ length: 4 }, () => ({ name: 'free', args: {} })));
    await waitFor(() => running === 4, { message: '4 running at once' });
    expect(await t.redis.get(keys.lockKey(t.prefix, 'free'))).toBe('4');
    gate.resolve();
    await waitFor(async () => (await t.redis.get(keys.lockKey(t.prefix, 'free'))) === '0');
  });
});

describe('settings after Redis lost its data', () => {
  it('are written again at the next heartbeat, so a cap still holds', async () => {
    const { pool, t, errors, keysInNamespace } = h();
    const p = pool({ concurrency: 4, heartbeatIntervalMs: 100 }).job('capped', { maxConcurrency: 2, priority: 7 }, () => {});
    await p.start();
    expect(await t.redis.get(keys.maxConcurrencyKey(t.prefix, 'capped'))).toBe('2');
    // What a restart without persistence leaves of this namespace: nothing.
    for (const key of await keysInNamespace()) await t.redis.del(key);
    await waitFor(async () => (await t.redis.get(keys.maxConcurrencyKey(t.prefix, 'capped'))) === '2', { message: 'the cap written again' });
    expect(await t.redis.get(keys.priorityKey(t.prefix, 'capped'))).toBe('7');
    expect(await t.redis.smembers(keys.knownJobsKey(t.prefix))).toEqual(['capped']);
    await waitFor(() => errors.length > 0);
    expect(String(errors[0]!.error)).toMatch(/missing from worker_pools .*settings were written again/);
    errors.length = 0;
  });
});
