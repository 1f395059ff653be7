// A `work serve` server in the test process, on a free loopback port, over a
// test's own namespace of the private Redis; and fetch helpers for it.
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import { Client } from '../../src/engine/client/client.js';
import { Enqueuer } from '../../src/engine/enqueuer/enqueuer.js';
import { parseTokenList, type TokenEntry } from '../../src/serve/auth.js';
import { collectorOnFirstScrape } from '../../src/serve/routes/metrics.js';
import { buildServer, type ServeOptions } from '../../src/serve/server.js';
import type { TestRedis } from '../support/redis.js';

export const TOKEN = {
  read: 'read-token-0123456789abcdef',
  enqueue: 'enqueue-token-0123456789abcdef',
  admin: 'admin-token-0123456789abcdef',
  readEnqueue: 'read-enqueue-token-0123456789',
} as const;

export const TOKENS: TokenEntry[] = parseTokenList(
  `read:${TOKEN.read}\nenqueue:${TOKEN.enqueue}\nadmin:${TOKEN.admin}\nread,enqueue:${TOKEN.readEnqueue}\n`,
  'test tokens',
  'line',
);

export interface TestServer {
  url: string;
  client: Client;
  enqueuer: Enqueuer;
  /** What the server logged (5xx lines). */
  logs: string[];
  close(): Promise<void>;
}

export async function startServer(
  t: TestRedis,
  options: Partial<Pick<ServeOptions, 'bodyLimit' | 'tokens' | 'redisDown'>> & { noAuth?: boolean; redis?: Redis } = {},
): Promise<TestServer> {
  const redis = options.redis ?? t.redis;
  const client = new Client({ redis, namespace: t.namespace });
  const enqueuer = new Enqueuer({ redis, namespace: t.namespace });
  const logs: string[] = [];
  const metrics = await collectorOnFirstScrape(client, 15, (line) => logs.push(line));
  const app = buildServer({
    client,
    enqueuer,
    namespace: t.namespace,
    tokens: options.noAuth ? undefined : (options.tokens ?? TOKENS),
    ...(options.bodyLimit !== undefined ? { bodyLimit: options.bodyLimit } : {}),
    redact: (text) => text,
    log: (line) => logs.push(line),
    redisDown: options.redisDown ?? (() => false),
    metrics,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const close = async () => {
    await app.close();
    await metrics.stop();
  };
  return { url: `http://127.0.0.1:${port}`, client, enqueuer, logs, close };
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: unknown;
}

export async function call(
  url: string,
  { method = 'GET', token, body, headers = {} }: { method?: string; token?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const response = await fetch(url, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body } : {}),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** A JSON object's value, typed loosely for assertions. */
export type Json = Record<string, unknown>;
