// Redis URLs from the command line: masking secrets for every message we
// print, and connecting with a hard deadline instead of an endless retry loop.
import { Redis, type RedisOptions } from 'ioredis';
import { createClient } from '../engine/redis/connection.js';
import { defineScripts } from '../engine/redis/scripts.js';
import { parseRedisTarget } from '../engine/redis/topology.js';
import { RedisCredentialsError, RedisUnreachableError, UsageError } from './exit-codes.js';

/** ioredis reads every query parameter as an option: password, sentinelPassword … all hold secrets. */
const isSecretParam = (key: string): boolean => /password/i.test(key);

function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/**
 * A user part without a password (redis://secret@host) is sent by ioredis as
 * AUTH secret "": people write a password there, so it counts as one, unless
 * the password comes from a file (redis://work@host plus --redis-password-file
 * names the ACL user).
 */
const userIsSecret = (parsed: URL, passwordFromFile: boolean): boolean => !passwordFromFile && Boolean(parsed.username) && !parsed.password;

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The passwords the URL itself carries (user part, ?password=, …), as written and as decoded. */
function passwordsInUrl(parsed: URL): string[] {
  const secrets = parsed.password ? [parsed.password, safeDecode(parsed.password)] : [];
  for (const [key, value] of parsed.searchParams) if (isSecretParam(key) && value) secrets.push(value);
  // The query's raw spelling too (%2B for +, and so on), as it appears in the URL text.
  for (const part of parsed.search.slice(1).split('&')) {
    const eq = part.indexOf('=');
    const value = eq < 0 ? '' : part.slice(eq + 1);
    if (eq > 0 && isSecretParam(safeDecode(part.slice(0, eq))) && value) secrets.push(value);
  }
  return secrets;
}

/** Every secret in the URL, as written and as decoded. */
export function urlSecrets(url: string, passwordFromFile = false): string[] {
  const parsed = parseUrl(url);
  if (!parsed) return multiHostSecrets(url);
  const user = userIsSecret(parsed, passwordFromFile) ? [parsed.username, safeDecode(parsed.username)] : [];
  return [...new Set([...passwordsInUrl(parsed), ...user])];
}

/** True when the URL carries a password of its own (user part or query), not counting a user-only secret. */
export function urlCarriesPassword(url: string): boolean {
  const parsed = parseUrl(url);
  return parsed ? passwordsInUrl(parsed).length > 0 : multiHostSecrets(url).length > 0;
}

/** The secrets of a redis+cluster:// or redis+sentinel:// URL (WHATWG URLs cannot hold several hosts). */
function multiHostSecrets(url: string): string[] {
  try {
    const target = parseRedisTarget(url);
    if (target.kind === 'server') return [];
    const raw = /\/\/([^@/]*)@/.exec(url)?.[1]?.split(':').slice(1).join(':');
    const sentinel = target.kind === 'sentinel' ? target.sentinelPassword : undefined;
    return [...new Set([target.password, raw, sentinel].filter((s): s is string => Boolean(s)))];
  } catch {
    return [];
  }
}

/** The URL with every secret (user-part password, ?password=, a user-only secret) replaced by "***". */
export function maskRedisUrl(url: string, passwordFromFile = false): string {
  const parsed = parseUrl(url);
  if (!parsed) {
    return url.replace(/\/\/[^@/]*@/, '//***@').replace(/([?&][^=&]*password[^=&]*=)[^&#]*/gi, '$1***');
  }
  if (parsed.password) parsed.password = '***';
  else if (userIsSecret(parsed, passwordFromFile)) parsed.username = '***';
  for (const key of [...parsed.searchParams.keys()]) if (isSecretParam(key)) parsed.searchParams.set(key, '***');
  return parsed.toString();
}

/**
 * Replace the URL and every secret in a message (errors may echo them).
 * `filePassword`: the password read from a file, if any.
 */
export function maskSecrets(text: string, url: string, filePassword?: string): string {
  const fromFile = filePassword !== undefined;
  let out = url ? text.split(url).join(maskRedisUrl(url, fromFile)) : text;
  // Longest first, so a secret that contains another is masked whole. Very short
  // secrets are not searched for in free text: "***" in place of every "a" hides nothing.
  const secrets = [...urlSecrets(url, fromFile), ...(fromFile ? [filePassword] : [])]
    .filter((s) => s.length >= 3)
    .sort((a, b) => b.length - a.length);
  for (const secret of secrets) out = out.split(secret).join('***');
  return out;
}

/** The ACL user the URL authenticates as, as ioredis reads it (the user part wins over ?username=). */
export function urlUser(url: string): string {
  const parsed = parseUrl(url);
  if (!parsed) return 'default';
  if (parsed.username || parsed.password) return safeDecode(parsed.username) || 'default';
  return parsed.searchParams.get('username') || 'default';
}

export function validateRedisUrl(url: string): void {
  if (/^rediss?\+/.test(url)) {
    try {
      parseRedisTarget(url);
    } catch (error) {
      throw new UsageError(`--redis: ${error instanceof Error ? error.message : String(error)}, got "${maskRedisUrl(url)}"`);
    }
    return;
  }
  const parsed = parseUrl(url);
  if (!parsed) throw new UsageError(`--redis must be a URL such as redis://127.0.0.1:6379, got "${maskRedisUrl(url)}"`);
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new UsageError(`--redis must start with redis://, rediss://, redis+cluster:// or redis+sentinel://, got "${maskRedisUrl(url)}"`);
  }
}

export interface ConnectOptions {
  /** Keep reconnecting after the first connection (workers, the console). */
  persistent?: boolean;
  timeoutMs?: number;
  /** PEM CA certificates for rediss:// (--tls-ca); as in Node, they replace its built-in CA list. */
  ca?: string;
  /** A password from a file (--redis-password-file); the URL then carries none. */
  password?: string;
  extra?: RedisOptions;
}

/**
 * The URL and options for ioredis. A password from a file goes in the options,
 * with the URL's user (if any) beside it, so it is never part of a URL at all.
 */
function ioredisTarget(url: string, password: string | undefined): { url: string; options: RedisOptions } {
  if (password === undefined) return { url, options: {} };
  const parsed = new URL(url);
  const username = urlUser(url);
  parsed.username = '';
  parsed.password = '';
  parsed.searchParams.delete('username');
  return { url: parsed.toString(), options: { password, ...(username !== 'default' ? { username } : {}) } };
}

/** A Redis reply that means the credentials were refused, or that some are needed; else undefined. */
export function credentialsProblem(error: unknown): 'refused' | 'missing' | undefined {
  const message = error instanceof Error ? error.message : String(error);
  if (/^(WRONGPASS|ERR invalid password|ERR invalid username-password)/.test(message)) return 'refused';
  if (/^NOAUTH/.test(message)) return 'missing';
  return undefined;
}

/** The one clear error for a refused or missing password (exit 3). */
export function credentialsError(kind: 'refused' | 'missing', url: string, filePassword?: string): RedisCredentialsError {
  const where = maskRedisUrl(url, filePassword !== undefined);
  const user = urlUser(url);
  const text =
    kind === 'refused'
      ? `Redis refused the credentials for user "${user}" at ${where} (wrong password, or the user is disabled)`
      : `Redis at ${where} requires a password and none was given: use REDIS_URL, --redis-password-file or a context (see work --help)`;
  return new RedisCredentialsError(maskSecrets(text, url, filePassword), user);
}

/**
 * Connect or fail within the deadline with RedisUnreachableError naming the
 * masked URL and the cause (RedisCredentialsError for a refused password).
 * One-shot commands never retry in the background.
 */
export async function connectRedis(url: string, options: ConnectOptions = {}): Promise<Redis> {
  validateRedisUrl(url);
  const timeoutMs = options.timeoutMs ?? 5000;
  const connection: RedisOptions = {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: options.persistent ? null : 1,
    retryStrategy: options.persistent ? (times) => Math.min(times * 200, 2000) : () => null,
    // Node still verifies the chain and the URL's host (IP or name); deliberately no option to skip that.
    ...(options.ca ? { tls: { ca: options.ca } } : {}),
    ...options.extra,
  };
  let redis: Redis;
  const topology = parseRedisTarget(url);
  if (topology.kind === 'server') {
    const target = ioredisTarget(url, options.password);
    redis = new Redis(target.url, { ...connection, ...target.options });
  } else {
    // A cluster or a sentinel-named master: the password from a file stands for the URL's.
    const withPassword = options.password === undefined ? topology : { ...topology, password: options.password };
    redis = createClient(withPassword, connection, {
      clusterRetryStrategy: options.persistent ? (times) => Math.min(times * 200, 2000) : () => null,
    });
  }
  let lastError: unknown;
  // Without a listener ioredis prints "Unhandled error event" with a stack on every retry.
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
    // A connection that already ended (refused, no retry) has nothing to close:
    // disconnect() would wait ioredis' 2 s disconnect timeout on a dead socket.
    if (redis.status !== 'end') redis.disconnect();
    const { password } = options;
    const credentials = credentialsProblem(error) ?? credentialsProblem(lastError);
    if (credentials) throw credentialsError(credentials, url, password);
    const cause = lastError ?? error;
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new RedisUnreachableError(maskSecrets(`cannot reach Redis at ${maskRedisUrl(url, password !== undefined)}: ${message}`, url, password));
  }
  defineScripts(redis);
  return redis;
}
