// Our Client against gocraft's own Client answers, on the data gocraft wrote:
// each scenario's snapshot is loaded into a fresh namespace and every call
// gocraft made is made again and compared field by field.
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, type JobEntry } from '../../src/engine/client/client.js';
import { ManualClock } from '../../src/engine/clock.js';
import { decodeJob } from '../../src/engine/codec/job.js';
import { namespacePrefix } from '../../src/engine/codec/keys.js';
import {
  clientResults,
  loadSnapshot,
  manifest,
  rewritePrefix,
  SCENARIOS,
  snapshot,
  type GoVersion,
  type Scenario,
  type SnapshotEntry,
  VERSIONS,
} from '../support/fixtures.js';
import { onCluster, redisUrl, testRedis, type TestRedis } from '../support/redis.js';

interface GoQueue {
  job_name: string;
  count: number;
  latency: number;
}
interface GoPool {
  worker_pool_id: string;
  started_at: number;
  heartbeat_at: number;
  job_names: string[];
  concurrency: number;
  host: string;
  pid: number;
  worker_ids: string[];
}
interface GoObservation {
  worker_id: string;
  is_busy: boolean;
  job_name: string;
  job_id: string;
  started_at: number;
  args_json: string;
  checkin: string;
  checkin_at: number;
}
type GoJob = Record<string, unknown> & { name: string; id: string; t: number; args: Record<string, unknown> | null };
interface GoPage {
  count: number;
  jobs: GoJob[];
}

const SETS = {
  scheduled: { key: 'scheduled', score: 'run_at', method: 'scheduledJobs' },
  retry: { key: 'retry', score: 'retry_at', method: 'retryJobs' },
  dead: { key: 'dead', score: 'died_at', method: 'deadJobs' },
} as const;

function entry(entries: SnapshotEntry[], key: string): SnapshotEntry | undefined {
  return entries.find((e) => e.key === key);
}

/**
 * The "now" gocraft's Queues() used: latency + t of the oldest job of every
 * non-empty queue. They must all agree and lie between the snapshot and the
 * client call; without a non-empty queue, the manifest's client time.
 */
function goNow(version: GoVersion, scenario: Scenario, queues: GoQueue[], entries: SnapshotEntry[], prefix: string): number {
  const m = manifest(version, scenario);
  const seen = new Set<number>();
  for (const q of queues) {
    const list = entry(entries, `${prefix}jobs:${q.job_name}`);
    if (q.count === 0 || list?.type !== 'list') continue;
    seen.add(q.latency + decodeJob(list.value[list.value.length - 1]!).enqueuedAt);
  }
  expect(seen.size).toBeLessThanOrEqual(1);
  const [now = m.client_at] = seen;
  expect(now).toBeGreaterThanOrEqual(m.snapshot_at);
  expect(now).toBeLessThanOrEqual(m.client_at);
  return now;
}

function expectedJob(go: GoJob, scoreField: string, raw: string, fromPrefix: string, toPrefix: string): JobEntry {
  const job: JobEntry = {
    name: go.name,
    id: go.id,
    enqueuedAt: go.t,
    args: go.args,
    unique: (go.unique as boolean | undefined) ?? false,
    fails: (go.fails as number | undefined) ?? 0,
    score: go[scoreField] as number,
    raw,
  };
  if (go.unique_key !== undefined) job.uniqueKey = rewritePrefix(go.unique_key as string, fromPrefix, toPrefix);
  if (go.err !== undefined) job.lastError = go.err as string;
  if (go.failed_at !== undefined) job.failedAt = go.failed_at as number;
  return job;
}

/** Members of a snapshot zset in Redis order: score, then bytes. */
function zsetOrder(e: SnapshotEntry | undefined): string[] {
  if (e?.type !== 'zset') return [];
  return [...e.value]
    .sort(([a, x], [b, y]) => x - y || Buffer.compare(Buffer.from(a), Buffer.from(b)))
    .map(([member]) => member);
}

async function compareScenario(redis: Redis, namespace: string, version: GoVersion, scenario: Scenario): Promise<void> {
  const prefix = namespacePrefix(namespace);
  const m = manifest(version, scenario);
  const fromPrefix = namespacePrefix(m.namespace);
  const go = clientResults(version, scenario);
  const entries = await loadSnapshot(redis, version, scenario, prefix);
  const goQueues = go.queues as GoQueue[];
  const clock = new ManualClock(goNow(version, scenario, goQueues, entries, prefix) * 1000);
  const client = new Client({ redis, namespace, clock });

  for (const call of m.client_calls) {
    if (call === 'queues') {
      const ours = await client.queues();
      expect(ours).toEqual(
        goQueues.map((q) => {
          const lock = entry(entries, `${prefix}jobs:${q.job_name}:lock`);
          const cap = entry(entries, `${prefix}jobs:${q.job_name}:max_concurrency`);
          return {
            jobName: q.job_name,
            count: q.count,
            latency: q.latency,
            paused: entry(entries, `${prefix}jobs:${q.job_name}:paused`) !== undefined,
            running: lock ? Number(lock.value) : 0,
            maxConcurrency: cap ? Number(cap.value) : 0,
            priority: 0, // gocraft keeps no priorities in Redis
            invalidOldest: false,
          };
        }),
      );
      // And with gocraft's recorded call time, latency is exactly that time minus t.
      clock.set(m.client_at * 1000);
      for (const q of await client.queues()) {
        const list = entry(entries, `${prefix}jobs:${q.jobName}`);
        const t = list?.type === 'list' ? decodeJob(list.value[list.value.length - 1]!).enqueuedAt : m.client_at;
        expect(q.latency).toBe(m.client_at - t);
      }
    } else if (call === 'pools' || call === 'observations') {
      const pools = go.pools as GoPool[];
      if (call === 'pools') {
        expect(await client.workerPoolHeartbeats()).toEqual(
          pools.map((p) => ({
            poolId: p.worker_pool_id,
            startedAt: p.started_at,
            heartbeatAt: p.heartbeat_at,
            jobNames: p.job_names,
            concurrency: p.concurrency,
            host: p.host,
            pid: p.pid,
            workerIds: p.worker_ids,
          })),
        );
      } else {
        const poolOf = new Map(pools.flatMap((p) => p.worker_ids.map((w) => [w, p.worker_pool_id] as const)));
        expect(await client.workerObservations()).toEqual(
          (go.observations as GoObservation[]).map((o) => ({
            workerId: o.worker_id,
            poolId: poolOf.get(o.worker_id),
            isBusy: o.is_busy,
            jobName: o.job_name,
            jobId: o.job_id,
            startedAt: o.started_at,
            argsJson: o.args_json,
            checkin: o.checkin,
            checkinAt: o.checkin_at,
          })),
        );
      }
    } else if (call === 'scheduled' || call === 'retry' || call === 'dead') {
      const set = SETS[call];
      const goPage = go[call] as GoPage;
      const raws = zsetOrder(entry(entries, `${prefix}${set.key}`));
      const ours = await client[set.method](1);
      expect(ours.count).toBe(goPage.count);
      expect(ours.jobs).toEqual(goPage.jobs.map((j, i) => expectedJob(j, set.score, raws[i]!, fromPrefix, prefix)));
      for (const job of ours.jobs) expect(job.invalid).toBeUndefined();
      // By id alone, each listed job is found again in its set.
      for (const job of ours.jobs) {
        expect(await client.findJob(job.id)).toMatchObject({ set: call, score: job.score, raw: job.raw });
      }
    } else {
      throw new Error(`fixture calls ${call}, which this test does not know`);
    }
  }
  await client.close();
}

describe('Client on gocraft snapshots, compared with gocraft Client answers', () => {
  let t: TestRedis;
  beforeEach(async () => {
    t = await testRedis('client-fx');
  });
  afterEach(async () => {
    await t.cleanup();
  });

  for (const version of VERSIONS) {
    for (const scenario of SCENARIOS) {
      it(`${version}/${scenario}`, async () => {
        await compareScenario(t.redis, t.namespace, version, scenario);
      });
    }
  }
});

// gocraft's empty namespace writes bare keys ("jobs:x", "known_jobs"). On the
// run's private server (never on a REDIS_URL someone gave us) a database index
// nobody else uses holds them, and only the keys loaded are deleted afterwards.
// Not on a cluster: it has database 0 only, and bare keys have no hash tag
// (the engine refuses such a namespace there).
const PRIVATE_DB = 11;
describe.skipIf(Boolean(process.env.REDIS_URL) || onCluster())('Client with namespace "" (literal, private database)', () => {
  for (const version of VERSIONS) {
    it(`${version}/empty_namespace`, async () => {
      const redis = new Redis(redisUrl(), { db: PRIVATE_DB, maxRetriesPerRequest: 2 });
      try {
        expect(await redis.dbsize()).toBe(0);
        try {
          await compareScenario(redis, '', version, 'empty_namespace');
        } finally {
          await redis.unlink(...snapshot(version, 'empty_namespace').map((e) => e.key));
        }
        expect(await redis.dbsize()).toBe(0);
      } finally {
        redis.disconnect();
      }
    });
  }
});
