// Per-test Redis access: a connection to the run's private server (or, in the
// cluster project, its private Redis Cluster) and a fresh namespace, removed
// afterwards by deleting only that namespace's keys.
import { randomBytes } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { inject } from 'vitest';
import { namespacePrefix } from '../../src/engine/codec/keys.js';
import { createClient, hashTag, isCluster } from '../../src/engine/redis/connection.js';
import { parseRedisTarget } from '../../src/engine/redis/topology.js';

export function redisUrl(): string {
  return inject('redisUrl');
}

/**
 * Whether this run's Redis is a cluster (the cluster project of
 * vitest.config.ts). A test of something a cluster does not offer skips on it
 * with `it.skipIf(onCluster())` and a comment saying why.
 */
export function onCluster(): boolean {
  return parseRedisTarget(redisUrl()).kind === 'cluster';
}

/**
 * Whether this project repeats the behaviour tests on another kind of server
 * (a cluster, Valkey). A test of something no server changes (how the package
 * loads, a server the test starts itself) runs in the standalone project only:
 * `describe.skipIf(onAnotherServer())`, a comment beside it saying why.
 */
export function onAnotherServer(): boolean {
  return inject('repeatOn') !== undefined;
}

/**
 * A client for the run's Redis, typed as Redis even when it is an ioredis
 * Cluster, as the engine does (src/engine/redis/connection.ts): tests use
 * only single-slot commands on hash-tagged namespaces.
 */
export function connectTestRedis(): Redis {
  return createClient(parseRedisTarget(redisUrl()), { maxRetriesPerRequest: 2 });
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

/**
 * Each server that keeps state of its own: the masters of a cluster (ACL
 * users, for one, are per node), or the one server.
 */
export async function everyServer(redis: Redis): Promise<Redis[]> {
  if (!isCluster(redis)) return [redis];
  const cluster = redis as unknown as Cluster;
  // A command first, so the client has connected and learnt the masters.
  await cluster.call('PING');
  return cluster.nodes('master');
}

/**
 * The server whose keyspace holds the prefix's keys. On a cluster SCAN runs
 * on one node and sees only its own keys, so it must run on the master that
 * serves the slot of the namespace's hash tag.
 */
async function scanTarget(redis: Redis, prefix: string): Promise<Redis> {
  if (!isCluster(redis)) return redis;
  if (hashTag(prefix) === undefined) throw new Error(`prefix "${prefix}" has no hash tag: on a cluster its keys would span every slot`);
  const cluster = redis as unknown as Cluster;
  // Through the Cluster client, so it is connected and knows the slot map.
  const slot = Number(await cluster.call('CLUSTER', 'KEYSLOT', prefix));
  const owner = cluster.slots[slot]?.[0];
  const node = cluster.nodes('master').find((n) => `${n.options.host}:${n.options.port}` === owner);
  if (!node) throw new Error(`no master known for slot ${slot} of "${prefix}"`);
  return node;
}

/** Every key under the prefix, sorted (SCAN, never KEYS). */
export async function namespaceKeys(redis: Redis, prefix: string): Promise<string[]> {
  if (prefix === '') throw new Error('refusing to list an empty prefix');
  const pattern = `${prefix.replace(/[*?[\]\\]/g, (c) => `\\${c}`)}*`;
  const server = await scanTarget(redis, prefix);
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await server.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
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
  const namespace = freshNamespace(label);
  const prefix = namespacePrefix(namespace);
  const extra: Redis[] = [];
  const redis = connectTestRedis();
  return {
    redis,
    namespace,
    prefix,
    connect() {
      const r = connectTestRedis();
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
