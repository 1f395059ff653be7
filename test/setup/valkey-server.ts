// Vitest global setup of the valkey project: a private valkey-server (Valkey,
// the Linux Foundation's fork of Redis 7.2) on a free port with persistence
// off, for the whole run, stopped afterwards. vitest.config.ts adds the
// project only where valkey-server is installed.
import type { TestProject } from 'vitest/node';
import { startRedisServer, type RedisServerHandle } from '../../src/support/private-redis.js';

let server: RedisServerHandle | undefined;

export async function setup(project: TestProject): Promise<void> {
  server = await startRedisServer([], { server: 'valkey-server' });
  project.provide('redisUrl', server.url);
  project.provide('repeatOn', 'valkey');
}

export async function teardown(): Promise<void> {
  await server?.stop();
}
