// Runbook subcommands against the private Redis: tables for people, --json
// equal to what the Client returns, --dry-run changing nothing, exit codes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client } from '../../src/engine/client/client.js';
import { Enqueuer } from '../../src/engine/enqueuer/enqueuer.js';
import { encodeJob } from '../../src/engine/codec/job.js';
import * as keys from '../../src/engine/codec/keys.js';
import { runCli } from '../support/cli.js';
import { namespaceKeys, redisUrl, testRedis, type TestRedis } from '../support/redis.js';

let t: TestRedis;
let client: Client;
const work = (...args: string[]) => runCli([...args, '--redis', redisUrl(), '-n', t.namespace]);
const json = async (...args: string[]) => {
  const result = await work(...args, '--json');
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as unknown;
};
const now = () => Math.floor(Date.now() / 1000);

async function seedDead(ids: string[], name = 'email'): Promise<void> {
  const pipe = t.redis.pipeline();
  ids.forEach((id, i) => {
    pipe.zadd(keys.deadKey(t.prefix), now() - 100 + i, encodeJob({ name, id, enqueuedAt: now() - 200, args: { id }, unique: false, fails: 4, lastError: 'gave up', failedAt: now() - 100 + i }));
  });
  pipe.sadd(keys.knownJobsKey(t.prefix), name);
  await pipe.exec();
}

/** Everything in the namespace, for before/after comparisons. */
async function dump(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const key of await namespaceKeys(t.redis, t.prefix)) {
    const type = await t.redis.type(key);
    out[key] = type === 'zset' ? await t.redis.zrange(key, 0, -1, 'WITHSCORES') : type === 'list' ? await t.redis.lrange(key, 0, -1) : type === 'set' ? (await t.redis.smembers(key)).sort() : type === 'hash' ? await t.redis.hgetall(key) : await t.redis.get(key);
  }
  return out;
}

beforeEach(async () => {
  t = await testRedis('cli');
  client = new Client({ redis: t.redis, namespace: t.namespace });
});
afterEach(() => t.cleanup());

describe('listing commands', () => {
  it('queues: a table, and --json equal to Client.queues()', async () => {
    await new Enqueuer({ redis: t.redis, namespace: t.namespace }).enqueueBulk([{ name: 'alpha' }, { name: 'beta' }, { name: 'beta' }]);
    await t.redis.set(keys.pausedKey(t.prefix, 'beta'), '1');
    const table = await work('queues');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/alpha\s+│\s+1/);
    expect(table.stdout).toMatch(/beta\s+│\s+2.*yes/);
    expect(await json('queues')).toEqual(JSON.parse(JSON.stringify(await client.queues())));
  });

  it('pools and workers: heartbeats with age and stale flag; busy workers with check-ins', async () => {
    const pipe = t.redis.pipeline();
    pipe.sadd(keys.workerPoolsKey(t.prefix), 'livepool', 'oldpool');
    pipe.hset(keys.heartbeatKey(t.prefix, 'livepool'), { heartbeat_at: now(), started_at: now() - 60, job_names: 'email', concurrency: 2, worker_ids: 'w1,w2', host: 'box-a', pid: 11 });
    pipe.hset(keys.heartbeatKey(t.prefix, 'oldpool'), { heartbeat_at: now() - 600, started_at: now() - 900, job_names: 'email', concurrency: 1, worker_ids: 'w3', host: 'box-b', pid: 12 });
    pipe.hset(keys.observationKey(t.prefix, 'w1'), { job_name: 'email', job_id: 'job-1', started_at: now() - 3, args: '{"to":"x"}', checkin: 'sending', checkin_at: now() - 1 });
    await pipe.exec();
    const pools = await work('pools');
    expect(pools.stdout).toMatch(/livepool.*box-a.*ok/);
    expect(pools.stdout).toMatch(/oldpool.*box-b.*STALE/);
    const poolsJson = (await json('pools')) as Array<{ poolId: string; stale: boolean }>;
    expect(poolsJson.map((p) => [p.poolId, p.stale])).toEqual([['livepool', false], ['oldpool', true]]);
    const workers = await work('workers');
    expect(workers.stdout).toMatch(/w1.*email.*job-1.*sending/);
    expect(await json('workers')).toEqual(JSON.parse(JSON.stringify((await client.workerObservations()).filter((o) => o.isBusy))));
  });

  it('dead/retry/scheduled: pages, --all, --job, and JSON equal to the Client', async () => {
    await seedDead(Array.from({ length: 25 }, (_, i) => `d${String(i).padStart(23, '0')}`));
    await seedDead(['s00000000000000000000001'], 'sms');
    const page2 = await work('dead', '--page', '2');
    expect(page2.code).toBe(0);
    expect(page2.stderr).toContain('page 2 of 2 (26 dead jobs)');
    const page1 = (await json('dead')) as { count: number; jobs: Array<{ id: string }> };
    expect(page1.count).toBe(26);
    expect(page1.jobs.map((j) => j.id)).toEqual((await client.deadJobs(1)).jobs.map((j) => j.id));
    // --all streams NDJSON: one job a line, in score order, equal to the Client's entries.
    const all = await work('dead', '--all', '--json');
    const lines = all.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { id: string });
    expect(lines.map((j) => j.id)).toEqual([...(await client.deadJobs(1)).jobs, ...(await client.deadJobs(2)).jobs].map((j) => j.id));
    expect(lines[0]).toEqual(JSON.parse(JSON.stringify((await client.deadJobs(1)).jobs[0])));
    const sms = (await work('dead', '--all', '--ndjson', '--job', 'sms')).stdout.trimEnd().split('\n');
    expect(sms.map((l) => (JSON.parse(l) as { name: string }).name)).toEqual(['sms']);
    const table = await work('dead', '--all');
    expect(table.stdout.match(/^│ d0/gm)).toHaveLength(25);
    expect(((await json('retry')) as { count: number }).count).toBe(0);
    await new Enqueuer({ redis: t.redis, namespace: t.namespace }).enqueueIn('later', 600, { x: 1 });
    expect(((await json('scheduled')) as { jobs: Array<{ name: string }> }).jobs[0]!.name).toBe('later');
    expect((await work('dead', '--page', '0')).code).toBe(2);
  });
});

describe('repair commands', () => {
  it('retry-dead by ID: found ones retried, unknown ones exit 4', async () => {
    await seedDead(['a00000000000000000000001', 'a00000000000000000000002']);
    const result = await work('retry-dead', 'a00000000000000000000001', 'nope');
    expect(result.code).toBe(4);
    expect(result.stdout).toContain('retried a00000000000000000000001');
    expect(result.stderr).toContain('not found in the dead set: nope');
    expect(await t.redis.zcard(keys.deadKey(t.prefix))).toBe(1);
    expect(await t.redis.llen(keys.queueKey(t.prefix, 'email'))).toBe(1);
  });

  it('--dry-run changes nothing, for IDs and for --all', async () => {
    await seedDead(['b00000000000000000000001', 'b00000000000000000000002']);
    const before = await dump();
    const byId = await work('retry-dead', 'b00000000000000000000001', '--dry-run');
    expect(byId.stdout).toContain('would retry b00000000000000000000001');
    expect(((await json('retry-dead', '--all', '--dry-run')) as { wouldRetry: number }).wouldRetry).toBe(2);
    expect(((await json('delete-dead', '--all', '--dry-run')) as { wouldDelete: number }).wouldDelete).toBe(2);
    expect(await dump()).toEqual(before);
  });

  it('retry-dead --all (and --job) moves every dead job once, with counts in --json', async () => {
    await seedDead(Array.from({ length: 30 }, (_, i) => `c${String(i).padStart(23, '0')}`));
    await seedDead(['s00000000000000000000009'], 'sms');
    expect(await json('retry-dead', '--all', '--job', 'sms')).toEqual({ retried: 1, total: 1, left: 0, changed: 0, interrupted: false });
    expect(await t.redis.llen(keys.queueKey(t.prefix, 'sms'))).toBe(1);
    const all = await work('retry-dead', '--all');
    expect(all.code).toBe(0);
    expect(all.stdout).toContain('retried 30 of 30 dead jobs');
    expect(await t.redis.llen(keys.queueKey(t.prefix, 'email'))).toBe(30);
    expect(await t.redis.zcard(keys.deadKey(t.prefix))).toBe(0);
  });

  it('retry-dead --all retries what --dry-run counted, scores hours ahead of this clock included, and says where the rest went', async () => {
    await seedDead(Array.from({ length: 20 }, (_, i) => `d${String(i).padStart(23, '0')}`));
    // Written by pools whose clock runs five hours ahead.
    const ahead = Array.from({ length: 30 }, (_, i) => [
      now() + 5 * 3600 + i,
      encodeJob({ name: 'email', id: `f${String(i).padStart(23, '0')}`, enqueuedAt: now(), args: {}, unique: false, fails: 1, lastError: 'x', failedAt: now() + 5 * 3600 + i }),
    ]);
    await t.redis.zadd(keys.deadKey(t.prefix), ...ahead.flat());
    await t.redis.zadd(keys.deadKey(t.prefix), now(), 'not a job');
    expect(((await json('retry-dead', '--all', '--dry-run')) as { wouldRetry: number }).wouldRetry).toBe(51);
    const run = await work('retry-dead', '--all');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('retried 50 of 51 dead jobs; 1 left in dead (undecodable, or their queue key holds another type)');
    expect(await t.redis.llen(keys.queueKey(t.prefix, 'email'))).toBe(50);
    expect(await t.redis.zrange(keys.deadKey(t.prefix), 0, -1)).toEqual(['not a job']);
  });

  it('delete-dead by ID and --all', async () => {
    await seedDead(['e00000000000000000000001', 'e00000000000000000000002', 'e00000000000000000000003']);
    expect(await json('delete-dead', 'e00000000000000000000001')).toEqual({ deletedIds: ['e00000000000000000000001'], notFound: [] });
    expect(await json('delete-dead', '--all')).toMatchObject({ deleted: 2, total: 2 });
    expect(await t.redis.exists(keys.deadKey(t.prefix))).toBe(0);
  });

  it('delete-retry and delete-scheduled by ID; missing ones exit 4', async () => {
    const scheduled = await new Enqueuer({ redis: t.redis, namespace: t.namespace }).enqueueIn('later', 600, {});
    await t.redis.zadd(keys.retryKey(t.prefix), now() + 60, encodeJob({ name: 'email', id: 'r00000000000000000000001', enqueuedAt: now(), args: {}, unique: false, fails: 1, lastError: 'x', failedAt: now() }));
    expect((await work('delete-retry', 'r00000000000000000000001')).code).toBe(0);
    expect(await t.redis.zcard(keys.retryKey(t.prefix))).toBe(0);
    const missing = await work('delete-scheduled', scheduled.job.id, 'nope');
    expect(missing.code).toBe(4);
    expect(missing.stdout).toContain(`deleted ${scheduled.job.id}`);
    expect(await t.redis.zcard(keys.scheduledKey(t.prefix))).toBe(0);
  });

  it('pause and unpause set and remove the paused key', async () => {
    await new Enqueuer({ redis: t.redis, namespace: t.namespace }).enqueue('email', {});
    expect((await work('pause', 'email', 'typo_queue')).stderr).toContain('no job named "typo_queue"');
    expect(await t.redis.exists(keys.pausedKey(t.prefix, 'email'))).toBe(1);
    expect(await json('unpause', 'email')).toEqual({ jobNames: ['email'], paused: false });
    expect(await t.redis.exists(keys.pausedKey(t.prefix, 'email'))).toBe(0);
    expect((await work('pause', 'bad:name')).code).toBe(2);
  });
});

describe('work enqueue', () => {
  it('enqueues with --args, from stdin, later with --in, and once with --unique', async () => {
    const plain = await work('enqueue', 'email', '--args', '{"to":"ada@example.com"}');
    expect(plain.code).toBe(0);
    const id = plain.stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    const [queued] = await t.redis.lrange(keys.queueKey(t.prefix, 'email'), 0, -1);
    expect(queued).toContain(`"id":"${id}"`);
    expect(queued).toContain('"args":{"to":"ada@example.com"}');

    const stdin = await runCli(['enqueue', 'email', '--args', '-', '--redis', redisUrl(), '-n', t.namespace], { input: '{"n":2}' });
    expect(stdin.code).toBe(0);
    expect(await t.redis.llen(keys.queueKey(t.prefix, 'email'))).toBe(2);

    const later = (await json('enqueue', 'report', '--in', '60')) as { runAt: number };
    expect(later.runAt).toBeGreaterThanOrEqual(now() + 59);
    expect(await t.redis.zcard(keys.scheduledKey(t.prefix))).toBe(1);

    expect(await json('enqueue', 'sync', '--unique', '--args', '{"a":1}')).toMatchObject({ enqueued: true });
    expect(await json('enqueue', 'sync', '--unique', '--args', '{"a":1}')).toEqual({ enqueued: false, reason: 'duplicate' });
  });

  it('refuses bad JSON, non-objects and oversized args with exit 2, writing nothing', async () => {
    for (const args of [['--args', '{nope'], ['--args', '[1,2]'], ['--args', '"s"']]) {
      const result = await work('enqueue', 'email', ...args);
      expect(result.code, args[1]).toBe(2);
      expect(result.stderr).toMatch(/--args/);
    }
    // Too large for a command line: through stdin.
    const big = await runCli(['enqueue', 'email', '--args', '-', '--redis', redisUrl(), '-n', t.namespace], { input: JSON.stringify({ big: 'x'.repeat(600 * 1024) }) });
    expect(big.code).toBe(2);
    expect(big.stderr).toContain('exceeds');
    expect((await work('enqueue')).code).toBe(2);
    expect((await work('enqueue', 'bad,name')).code).toBe(2);
    expect(await namespaceKeys(t.redis, t.prefix)).toEqual([]);
  });
});

describe('interrupting a bulk operation', () => {
  it('stops between batches on SIGINT, says how far it got, and loses or duplicates nothing', async () => {
    const total = 100_000;
    for (let start = 0; start < total; start += 10_000) {
      const pipe = t.redis.pipeline();
      for (let i = start; i < start + 10_000; i++) {
        const id = `z${String(i).padStart(23, '0')}`;
        pipe.zadd(keys.deadKey(t.prefix), now() - 10, encodeJob({ name: 'email', id, enqueuedAt: now() - 20, args: { i }, unique: false, fails: 4, lastError: 'x', failedAt: now() - 10 }));
      }
      await pipe.exec();
    }
    const { startCli, collect } = await import('../support/cli.js');
    const child = startCli(['retry-dead', '--all', '--redis', redisUrl(), '-n', t.namespace]);
    const result = collect(child, Date.now(), { timeoutMs: 60_000 });
    // Interrupt once some batches went through.
    const { waitFor } = await import('../support/wait.js');
    await waitFor(async () => (await t.redis.llen(keys.queueKey(t.prefix, 'email'))) > 0, { message: 'the first batch' });
    child.kill('SIGINT');
    const { code, stderr } = await result;
    const queued = await t.redis.llen(keys.queueKey(t.prefix, 'email'));
    const dead = await t.redis.zcard(keys.deadKey(t.prefix));
    expect(queued + dead).toBe(total);
    expect(new Set(await t.redis.lrange(keys.queueKey(t.prefix, 'email'), 0, -1)).size).toBe(queued);
    if (queued < total) {
      expect(code).toBe(1);
      expect(stderr).toContain(`interrupted: retried ${queued} dead jobs; ${dead} are still dead`);
    } else {
      // The machine was faster than the signal: the run completed normally.
      expect(code).toBe(0);
    }
  });
});
