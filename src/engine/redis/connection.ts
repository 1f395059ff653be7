// One place that turns what a caller gave us (a URL, options, or an existing
// ioredis client) into a connection, and remembers whether we own it.
import { Redis, type RedisOptions } from 'ioredis';
import { defineScripts } from './scripts.js';

export type RedisInput = Redis | string | RedisOptions;

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
  } else if (typeof input === 'string') {
    redis = new Redis(input, overrides);
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
