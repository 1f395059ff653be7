// Vitest global setup of the cluster project: one private 3-master Redis
// Cluster (no replicas: these tests check behaviour, not failover, which
// test/cluster does) for the whole run, on free ports with persistence off,
// stopped afterwards. Tests see it as a redis+cluster:// redisUrl, and
// test/support/redis.ts connects to it with ioredis's Cluster client.
import { startRedisCluster, type ClusterHandle } from '../../src/support/private-cluster.js';
import type { TestProject } from 'vitest/node';

let cluster: ClusterHandle | undefined;

export async function setup(project: TestProject): Promise<void> {
  cluster = await startRedisCluster({ masters: 3, replicas: 0 });
  project.provide('redisUrl', cluster.url);
  project.provide('repeatOn', 'cluster');
}

export async function teardown(): Promise<void> {
  await cluster?.stop();
}
