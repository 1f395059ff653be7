// Per-test Redis access: a connection to the run's private server and a fresh
// namespace, removed afterwards by deleting only that namespace's keys.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { namespacePrefix } from '../../src/engine/codec/keys.js';

export function redisUrl(): string {
  return inject('redisUrl');
}

export function freshNamespace(label = 't'): string {
  // A hash tag keeps the whole namespace in one slot, as production should.
  return `{${label}-${randomBytes(5).toString('hex')}}`;
}

export interface TestRedis {
  redis: Redis;
  namespace: string;
  prefix: string;
  /** Extra connections made through connect(); closed by cleanup(). */
  connect(): Redis;
  cleanup(): Promise<void>;
}

/** Every key under the prefix, sorted (SCAN, never KEYS). */
export async function namespaceKeys(redis: Redis, prefix: string): Promise<string[]> {
  if (prefix === '') throw new Error('refusing to list an empty prefix');
  const pattern = `${prefix.replace(/[*?[\]\\]/g, (c) => `\\${c}`)}*`;
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return found.sort();
}

export async function deleteNamespace(redis: Redis, prefix: string): Promise<void> {
  const keys = await namespaceKeys(redis, prefix);
  for (let i = 0; i < keys.length; i += 1000) await redis.unlink(...keys.slice(i, i + 1000));
}

export async function testRedis(label?: string): Promise<TestRedis> {
  const url = redisUrl();
  const namespace = freshNamespace(label);
  const prefix = namespacePrefix(namespace);
  const extra: Redis[] = [];
  const redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2 });
  return {
    redis,
    namespace,
    prefix,
    connect() {
      const r = new Redis(url, { maxRetriesPerRequest: 2 });
      extra.push(r);
      return r;
    },
    async cleanup() {
      await deleteNamespace(redis, prefix);
      for (const r of extra) r.disconnect();
      redis.disconnect();
    },
  };
}
