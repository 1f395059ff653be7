// Vitest global setup: every test run gets a private redis-server on a free
// port, with persistence off, and stops it afterwards. Tests never touch a
// Redis they did not start, unless REDIS_URL names one on purpose; then each
// test still works only inside its own fresh namespace.
import type { TestProject } from 'vitest/node';
import { startRedisServer, type RedisServerHandle } from '../../src/support/private-redis.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    /**
     * Set by the projects that repeat the behaviour tests on another kind of
     * server ('cluster', 'valkey'); absent in the standalone project.
     */
    repeatOn?: string;
  }
}

let server: RedisServerHandle | undefined;

export async function setup(project: TestProject): Promise<void> {
  const external = process.env.REDIS_URL;
  if (external) {
    project.provide('redisUrl', external);
    return;
  }
  server = await startRedisServer();
  project.provide('redisUrl', server.url);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}
