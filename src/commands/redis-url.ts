// Redis URLs from the command line: masking secrets for every message we
// print, and connecting with a hard deadline instead of an endless retry loop.
import { Redis, type RedisOptions } from 'ioredis';
import { defineScripts } from '../engine/redis/scripts.js';
import { RedisUnreachableError, UsageError } from './exit-codes.js';

/** The URL with its password (and a user-only secret) replaced by "***". */
export function maskRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    else if (parsed.username && !parsed.password && parsed.protocol.startsWith('redis')) {
      // redis://:secret@host and redis://secret@host both carry a secret in the user part.
      parsed.username = '***';
    }
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

/** Replace every occurrence of the URL's secret in a message (errors may echo it). */
export function maskSecrets(text: string, url: string): string {
  let out = text.split(url).join(maskRedisUrl(url));
  try {
    const parsed = new URL(url);
    for (const secret of [parsed.password, parsed.username && !parsed.password ? parsed.username : '']) {
      const plain = secret ? decodeURIComponent(secret) : '';
      if (plain.length >= 3) out = out.split(plain).join('***');
      if (secret && secret.length >= 3) out = out.split(secret).join('***');
    }
  } catch {
    // not a URL: nothing more to mask
  }
  return out;
}

export function validateRedisUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--redis must be a URL such as redis://127.0.0.1:6379, got "${maskRedisUrl(url)}"`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new UsageError(`--redis must start with redis:// or rediss://, got "${maskRedisUrl(url)}"`);
  }
}

export interface ConnectOptions {
  /** Keep reconnecting after the first connection (workers, the console). */
  persistent?: boolean;
  timeoutMs?: number;
  /** PEM CA certificates for rediss:// (--tls-ca); as in Node, they replace its built-in CA list. */
  ca?: string;
  extra?: RedisOptions;
}

/**
 * Connect or fail within the deadline with RedisUnreachableError naming the
 * masked URL and the cause. One-shot commands never retry in the background.
 */
export async function connectRedis(url: string, options: ConnectOptions = {}): Promise<Redis> {
  validateRedisUrl(url);
  const timeoutMs = options.timeoutMs ?? 5000;
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: options.persistent ? null : 1,
    retryStrategy: options.persistent ? (times) => Math.min(times * 200, 2000) : () => null,
    // Node still verifies the chain and the URL's host (IP or name); deliberately no option to skip that.
    ...(options.ca ? { tls: { ca: options.ca } } : {}),
    ...options.extra,
  });
  let lastError: unknown;
  redis.on('error', (error) => {
    lastError = error;
  });
  const deadline = new Promise<never>((_, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    timer.unref();
  });
  try {
    await Promise.race([redis.connect().then(() => redis.ping()), deadline]);
  } catch (error) {
    redis.disconnect();
    const cause = lastError ?? error;
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new RedisUnreachableError(maskSecrets(`cannot reach Redis at ${maskRedisUrl(url)}: ${message}`, url));
  }
  defineScripts(redis);
  return redis;
}
