import { spawnSync } from 'node:child_process';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

// Three projects, one `vitest run` (so one `npm test`):
//
//   standalone  every test, on one private redis-server (test/setup/redis-server.ts)
//   cluster     the engine's behaviour tests again, on one private 3-master
//               Redis Cluster started once for the run (test/setup/redis-cluster.ts);
//               test/support/redis.ts hands them a Cluster client and a
//               hash-tagged namespace, as production on a cluster would use
//   valkey      the same behaviour tests on one private valkey-server
//               (test/setup/valkey-server.ts), where Valkey is installed
//
// `npx vitest run --project cluster` (or standalone, valkey) runs one of them.

/** The behaviour tests: the engine's, gocraft compatibility, the pool's metrics. */
const BEHAVIOUR = ['test/engine/*.test.ts', 'test/compat/*.test.ts', 'test/metrics/*.test.ts'];

/** Files among them that need no Redis: running them again tests nothing new. */
const PURE = [
  'test/engine/api-types.test.ts',
  'test/engine/backoff.test.ts',
  'test/engine/client-mapping.test.ts',
  'test/engine/go-json.test.ts',
  'test/engine/job-options.test.ts',
  'test/engine/job.test.ts',
  'test/engine/json-members.test.ts',
  'test/engine/keys.test.ts',
  'test/engine/redis-bytes.test.ts',
  'test/engine/redis-calls.test.ts',
  'test/engine/topology.test.ts',
];

/**
 * Behaviour test files that do not run on the cluster, each with the reason.
 * A file with only a test or two a cluster cannot run keeps the rest on the
 * cluster and skips those with `it.skipIf(onCluster())`, a comment beside it
 * saying why.
 */
const NOT_ON_CLUSTER: Record<string, string> = {
  // Presence (finding a dead worker process within seconds by its
  // subscription) is off on a cluster: PUBSUB NUMSUB counts one node's
  // subscribers only. Dead pools are found there by the heartbeat rule,
  // which test/compat/crash.test.ts runs on the cluster.
  'test/engine/presence.test.ts': 'presence is off on a cluster',
};

function installed(program: string): boolean {
  const probe = spawnSync(program, ['--version'], { stdio: 'ignore' });
  return probe.error === undefined && probe.status === 0;
}

/**
 * Why the cluster project cannot run here, or undefined when it can. (It
 * always starts a cluster of its own: REDIS_URL is for the standalone project.)
 */
function clusterUnavailable(): string | undefined {
  if (!installed('redis-server')) return 'redis-server is not installed';
  if (!installed('redis-cli')) return 'redis-cli is not installed (Debian/Ubuntu: apt-get install redis-tools)';
  return undefined;
}

const shared = { testTimeout: 20_000, hookTimeout: 20_000 };

const standalone: TestProjectInlineConfiguration = {
  test: {
    ...shared,
    name: 'standalone',
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    globalSetup: ['test/setup/redis-server.ts'],
  },
};

const cluster: TestProjectInlineConfiguration = {
  test: {
    ...shared,
    name: 'cluster',
    include: BEHAVIOUR,
    exclude: [...PURE, ...Object.keys(NOT_ON_CLUSTER)],
    globalSetup: ['test/setup/redis-cluster.ts'],
  },
};

const valkey: TestProjectInlineConfiguration = {
  test: {
    ...shared,
    name: 'valkey',
    include: BEHAVIOUR,
    exclude: PURE,
    globalSetup: ['test/setup/valkey-server.ts'],
  },
};

const projects = [standalone];
const noCluster = clusterUnavailable();
if (noCluster === undefined) projects.push(cluster);
else {
  // CI (.ci/run) installs redis-tools and sets WORK_REQUIRE_CLUSTER, so there a
  // missing cluster fails the run instead of passing with less tested.
  if (process.env.WORK_REQUIRE_CLUSTER) throw new Error(`the cluster test project cannot run: ${noCluster}`);
  console.warn(`skipping the cluster test project: ${noCluster}`);
}
// Valkey comes from the distribution's backports where it does at all, so
// its absence skips the project without failing the run; .ci/run says why.
if (installed('valkey-server')) projects.push(valkey);
else console.warn('skipping the valkey test project: valkey-server is not installed (Debian 12: apt-get install -t bookworm-backports valkey-server)');

export default defineConfig({
  test: {
    projects,
    // Two cores: more forks only add contention against the Redis servers.
    maxWorkers: 2,
  },
});
