// One place that turns what a caller gave us (a URL, options, or an existing
// ioredis client) into a connection, and remembers whether we own it.
//
// A Redis Cluster is an ioredis Cluster, typed as Redis from here on: the
// engine uses only what both offer (commands, pipelines on one slot, scripts,
// events, duplicate). Every key of a namespace must then share one slot: a
// hash-tagged namespace, `{my_app}`, does that.
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { InvalidArgumentError } from '../errors.js';
import { parseRedisTarget, type RedisTarget } from './topology.js';
import { defineScripts } from './scripts.js';

export type RedisInput = Redis | Cluster | string | RedisOptions;

export interface Connection {
  redis: Redis;
  /** True when we created the client and so must close it. */
  owned: boolean;
}

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export function openConnection(input: RedisInput | undefined, overrides: RedisOptions = {}): Connection {
  let redis: Redis;
  let owned = true;
  if (input instanceof Redis) {
    redis = input;
    owned = false;
  } else if (input instanceof Cluster) {
    redis = input as unknown as Redis;
    owned = false;
  } else if (typeof input === 'string') {
    redis = createClient(parseRedisTarget(input), overrides);
  } else if (input === undefined) {
    redis = new Redis(DEFAULT_REDIS_URL, overrides);
  } else {
    redis = new Redis({ ...input, ...overrides });
  }
  if (owned) quietConnectionErrors(redis);
  defineScripts(redis);
  return { redis, owned };
}

/**
 * An ioredis client for the target: a Redis, a Cluster (from its seed nodes;
 * `options` apply to each node's connection) or a Redis whose master Sentinel
 * names. `clusterOptions` tune the Cluster client itself.
 */
export function createClient(target: RedisTarget, options: RedisOptions = {}, clusterOptions: ClusterOptions = {}): Redis {
  if (target.kind === 'server') return new Redis(target.url, options);
  const auth = { ...(target.username ? { username: target.username } : {}), ...(target.password !== undefined ? { password: target.password } : {}) };
  const tls = target.tls ? { tls: options.tls ?? {} } : {};
  if (target.kind === 'cluster') {
    const { lazyConnect, ...nodeOptions } = options;
    const cluster = new Cluster(target.nodes, {
      ...(lazyConnect !== undefined ? { lazyConnect } : {}),
      ...clusterOptions,
      redisOptions: { ...nodeOptions, ...auth, ...tls },
    });
    return cluster as unknown as Redis;
  }
  return new Redis({
    ...options,
    ...auth,
    ...(target.tls ? { enableTLSForSentinelMode: true, ...tls } : {}),
    sentinels: target.sentinels,
    name: target.name,
    ...(target.sentinelPassword !== undefined ? { sentinelPassword: target.sentinelPassword } : {}),
  });
}

/** Whether the client is a Redis Cluster client. */
export function isCluster(redis: Redis): boolean {
  return (redis as unknown) instanceof Cluster;
}

/**
 * The hash tag Redis Cluster hashes a key by: what the first '{' and the
 * next '}' enclose, when that is not empty; undefined when the key has none.
 */
export function hashTag(key: string): string | undefined {
  const open = key.indexOf('{');
  if (open < 0) return undefined;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : undefined;
}

/**
 * On a cluster every key of a namespace must share one slot, or the scripts
 * and pipelines that touch several fail with CROSSSLOT: the namespace must
 * carry a hash tag. Said once, at construction, instead of on the first job.
 */
export function checkNamespaceFits(redis: Redis, prefix: string): void {
  if (isCluster(redis)) checkClusterNamespace(prefix);
}

/** checkNamespaceFits for a client known to be a cluster's, before it is made (pure). */
export function checkClusterNamespace(prefix: string): void {
  if (hashTag(prefix) !== undefined) return;
  const name = prefix.replace(/:$/, '');
  throw new InvalidArgumentError(
    `namespace "${name}" has no hash tag: on a Redis Cluster every key of a namespace must share one slot; use "{${name}}" (gocraft pools can use the same namespace)`,
  );
}

/**
 * openConnection for a namespace, refused up front (checkNamespaceFits) when
 * the target cannot hold it. A connection opened for a refused namespace is
 * dropped at once: a cluster client left connecting would keep the process
 * alive after the caller handled the error.
 */
export function openNamespaceConnection(input: RedisInput | undefined, prefix: string, overrides: RedisOptions = {}): Connection {
  const connection = openConnection(input, overrides);
  try {
    checkNamespaceFits(connection.redis, prefix);
  } catch (error) {
    if (connection.owned) connection.redis.disconnect();
    throw error;
  }
  return connection;
}

/**
 * A client with no 'error' listener makes ioredis print "[ioredis] Unhandled
 * error event" and a stack on every failed reconnect. A failure already
 * reaches the caller as the rejection of each call that fails, and a pool
 * reports outages through its own listener, so a client we create says
 * nothing more. A client the caller passed in is theirs to listen to.
 */
function quietConnectionErrors(redis: Redis): void {
  redis.on('error', () => undefined);
}

export async function closeConnection(connection: Connection): Promise<void> {
  if (!connection.owned) return;
  try {
    await connection.redis.quit();
  } catch {
    connection.redis.disconnect();
  }
}
