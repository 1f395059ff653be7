// Shared setup for worker pool tests: a fresh namespace, an Enqueuer on it,
// pools with short background intervals (stopped after each test), and a few
// helpers that read Redis state the way assertions need it.
import { afterEach, beforeEach, expect } from 'vitest';
import { Enqueuer } from '../../src/engine/enqueuer/enqueuer.js';
import { inProgressKey, lockInfoKey, lockKey } from '../../src/engine/codec/keys.js';
import { WorkerPool, type WorkerPoolOptions } from '../../src/engine/pool/worker-pool.js';
import { namespaceKeys, testRedis, type TestRedis } from './redis.js';
import { waitFor } from './wait.js';

export interface PoolHarness {
  t: TestRedis;
  enqueuer: Enqueuer;
  /** A pool on the test namespace with its own connection; stopped after the test. */
  pool(options?: WorkerPoolOptions): WorkerPool;
  /**
   * Errors pools reported through their 'error' event during the test. Any
   * left here fails the test: a test expecting some removes them.
   */
  errors: Array<{ op: string; error: unknown }>;
  /** Every key of the test namespace, sorted. */
  keysInNamespace(): Promise<string[]>;
}

/** Fast defaults: a test should not wait a second for a requeue or an observation. */
export const FAST: WorkerPoolOptions = { requeuerIntervalMs: 50, observerIntervalMs: 50 };

/** Registers beforeEach/afterEach for the calling file; call the result inside a test. */
export function usePoolHarness(label: string): () => PoolHarness {
  let current: PoolHarness | undefined;
  let pools: WorkerPool[] = [];

  beforeEach(async () => {
    const t = await testRedis(label);
    pools = [];
    const errors: PoolHarness['errors'] = [];
    current = {
      t,
      enqueuer: new Enqueuer({ redis: t.redis, namespace: t.namespace }),
      errors,
      pool(options = {}) {
        const p = new WorkerPool({ redis: t.connect(), namespace: t.namespace, ...FAST, ...options });
        p.on('error', (e) => errors.push(e));
        pools.push(p);
        return p;
      },
      keysInNamespace: () => namespaceKeys(t.redis, t.prefix),
    };
  });

  afterEach(async () => {
    const errors = current?.errors ?? [];
    try {
      await Promise.all(pools.map((p) => p.stop({ graceMs: 100 })));
      await current?.t.cleanup();
    } finally {
      current = undefined;
    }
    if (errors.length > 0) {
      const lines = errors.map(({ op, error }) => `${op}: ${error instanceof Error ? error.message : String(error)}`);
      throw new Error(`pools reported unexpected errors:\n${lines.join('\n')}`);
    }
  });

  return () => {
    if (!current) throw new Error('the pool harness is only available inside a test');
    return current;
  };
}

/** A promise that resolves when the signal aborts, with its reason. */
export function aborted(signal: AbortSignal): Promise<unknown> {
  if (signal.aborted) return Promise.resolve(signal.reason);
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(signal.reason), { once: true }));
}

/** Members of a zset with their scores, lowest score first. */
export async function zsetEntries(t: TestRedis, key: string): Promise<Array<{ member: string; score: number }>> {
  const flat = await t.redis.zrange(key, 0, -1, 'WITHSCORES');
  const out: Array<{ member: string; score: number }> = [];
  for (let i = 0; i < flat.length; i += 2) out.push({ member: flat[i]!, score: Number(flat[i + 1]) });
  return out;
}

/**
 * Waits until the pool holds nothing of `name` any more: its in-progress list
 * is empty, the lock is back to 0 and the pool's lock_info share is 0.
 */
export async function expectReleased(t: TestRedis, name: string, poolId: string): Promise<void> {
  await waitFor(async () => (await t.redis.llen(inProgressKey(t.prefix, name, poolId))) === 0, {
    message: `${name} in-progress list empty`,
  });
  await waitFor(async () => (await t.redis.get(lockKey(t.prefix, name))) === '0', { message: `${name} lock back to 0` });
  expect(await t.redis.hget(lockInfoKey(t.prefix, name), poolId)).toBe('0');
}
