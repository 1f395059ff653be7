// Starts and stops a throwaway Redis Cluster on loopback (masters and their
// replicas, persistence off, config files in a temporary directory) for the
// cluster tests and the cluster benchmark. Never touches a Redis it did not start.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startRedisServer, type RedisServerHandle } from './private-redis.js';

export interface ClusterHandle {
  /** redis+cluster://127.0.0.1:p1,127.0.0.1:p2,… for every node. */
  url: string;
  nodes: RedisServerHandle[];
  /** The node serving `key`'s slot now. */
  masterOf(key: string): Promise<RedisServerHandle>;
  stop(): Promise<void>;
}

export async function startRedisCluster({ masters = 3, replicas = 0, nodeTimeoutMs = 1000 } = {}): Promise<ClusterHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'work-cluster-'));
  const nodes: RedisServerHandle[] = [];
  try {
    for (let i = 0; i < masters * (1 + replicas); i++) {
      // A directory each: replicas sync through an RDB file in their dir, and
      // nodes sharing one would overwrite each other's.
      const nodeDir = join(dir, `node-${i}`);
      mkdirSync(nodeDir);
      nodes.push(
        await startRedisServer([
          '--cluster-enabled', 'yes',
          '--cluster-config-file', join(nodeDir, 'nodes.conf'),
          '--cluster-node-timeout', String(nodeTimeoutMs),
          // A replica may take over however long it lost its master: a test cluster favours availability.
          '--cluster-replica-validity-factor', '0',
          '--dir', nodeDir,
        ]),
      );
    }
    const create = spawnSync(
      'redis-cli',
      ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', String(replicas), '--cluster-yes'],
      { encoding: 'utf8' },
    );
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
    await waitForClusterOk(nodes);
  } catch (error) {
    await Promise.all(nodes.map((n) => n.stop()));
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `redis+cluster://${nodes.map((n) => `127.0.0.1:${n.port}`).join(',')}`,
    nodes,
    async masterOf(key) {
      for (const node of nodes) {
        if (node.process.exitCode !== null) continue;
        const r = new Redis(node.port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 1 });
        try {
          await r.connect();
          const slot = Number(await r.call('CLUSTER', 'KEYSLOT', key));
          const shards = (await r.call('CLUSTER', 'SLOTS')) as Array<[number, number, [string, number]]>;
          const owner = shards.find(([from, to]) => slot >= from && slot <= to);
          const port = owner?.[2][1];
          const found = nodes.find((n) => n.port === port);
          if (found) return found;
        } catch {
          // try the next node
        } finally {
          r.disconnect();
        }
      }
      throw new Error(`no node serves the slot of ${key}`);
    },
    async stop() {
      await Promise.all(nodes.map((n) => n.stop()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until every node reports cluster_state:ok (slots assigned and agreed). */
async function waitForClusterOk(nodes: RedisServerHandle[], timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let ok = 0;
    for (const node of nodes) {
      const r = new Redis(node.port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await r.connect();
        if (/cluster_state:ok/.test(String(await r.call('CLUSTER', 'INFO')))) ok++;
      } catch {
        // not yet
      } finally {
        r.disconnect();
      }
    }
    if (ok === nodes.length) return;
    if (Date.now() > deadline) throw new Error(`the cluster did not reach cluster_state:ok within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
