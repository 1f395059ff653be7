// The engine on a real Redis Cluster (3 masters, each with a replica, started
// by the test): every operation works when the namespace is hash-tagged, an
// untagged one is refused up front, and a master killed under load fails
// over to its replica with nothing acknowledged lost beyond Redis's own
// replication window.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../src/engine/client/client.js';
import { Enqueuer } from '../../src/engine/enqueuer/enqueuer.js';
import { InvalidArgumentError } from '../../src/engine/errors.js';
import { queueKey } from '../../src/engine/codec/keys.js';
import { WorkerPool, type WorkerPoolOptions } from '../../src/engine/pool/worker-pool.js';
import { startRedisCluster, type ClusterHandle } from '../../src/support/private-cluster.js';
import { runCli } from '../support/cli.js';
import { loadAcrossFailover, REPLICATION_WINDOW_MS } from '../support/failover-load.js';
import { waitFor } from '../support/wait.js';

const haveRedisCli = spawnSync('redis-cli', ['--version']).status === 0;
const FAST: WorkerPoolOptions = { heartbeatIntervalMs: 300, deadAfterMs: 2000, reaperIntervalMs: 200, requeuerIntervalMs: 100, observerIntervalMs: 100 };

let cluster: ClusterHandle;
const closers: Array<() => Promise<unknown>> = [];
beforeAll(async () => {
  if (haveRedisCli) cluster = await startRedisCluster({ masters: 3, replicas: 1 });
}, 60_000);
afterAll(async () => {
  // A client that knew the killed master may wait on it: give each close a few seconds.
  const bounded = (work: Promise<unknown>) => Promise.race([work.catch(() => undefined), new Promise((r) => setTimeout(r, 3000))]);
  for (const close of closers.reverse()) await bounded(close());
  await cluster?.stop();
}, 60_000);

const namespace = () => `{c-${randomBytes(4).toString('hex')}}`;

describe.skipIf(!haveRedisCli)('on a Redis Cluster', () => {
  it('enqueues, runs, retries, schedules, dedupes, inspects and repairs in a hash-tagged namespace', { timeout: 60_000 }, async () => {
    const ns = namespace();
    const enqueuer = new Enqueuer({ redis: cluster.url, namespace: ns });
    const client = new Client({ redis: cluster.url, namespace: ns });
    const pool = new WorkerPool({ redis: cluster.url, namespace: ns, concurrency: 8, ...FAST });
    closers.push(() => enqueuer.close(), () => client.close(), () => pool.stop({ graceMs: 100 }));
    const ran = new Map<string, number>();
    const record = (id: string) => ran.set(id, (ran.get(id) ?? 0) + 1);
    pool
      .job('email', (job) => record(job.id))
      .job('resize', { maxConcurrency: 2 }, (job) => record(job.id))
      .job('flaky', { maxFails: 1 }, (job) => {
        record(job.id);
        throw new Error('always');
      });
    await pool.start();
    const plain = await enqueuer.enqueueBulk([
      ...Array.from({ length: 60 }, (_, i) => ({ name: 'email', args: { i } })),
      ...Array.from({ length: 20 }, (_, i) => ({ name: 'resize', args: { i } })),
      ...Array.from({ length: 5 }, (_, i) => ({ name: 'flaky', args: { i } })),
    ]);
    const unique = await enqueuer.enqueue('email', { u: 1 }, { unique: true });
    expect(await enqueuer.enqueue('email', { u: 1 }, { unique: true })).toBeNull();
    const later = await enqueuer.enqueue('email', { later: true }, { in: 1 });
    const all = [...plain, unique!, later!];
    await waitFor(() => all.every((j) => ran.has(j.id)), { timeoutMs: 20_000, message: `all jobs ran (${ran.size}/${all.length})` });
    await waitFor(async () => (await client.setCounts()).dead === 5, { message: 'the flaky jobs in dead' });

    const queues = await client.queues();
    expect(queues.map((q) => q.jobName).sort()).toEqual(['email', 'flaky', 'resize']);
    expect(queues.find((q) => q.jobName === 'resize')?.maxConcurrency).toBe(2);
    const page = await client.deadJobs();
    expect(page.count).toBe(5);
    expect((await client.findJob(page.jobs[0]!.id))?.set).toBe('dead');
    const retried = await client.retryAllDeadJobs();
    expect(retried).toMatchObject({ retried: 5, total: 5, left: 0, changed: 0 });
    await waitFor(async () => (await client.setCounts()).dead === 5, { message: 'dead again after the retry' });
    expect((await client.locateJob(plain[0]!.id))).toEqual([]);
    await pool.stop();
    expect((await client.metrics(600)).jobs.find((j) => j.jobName === 'email')?.done).toBe(62);

    // The CLI takes the same URL.
    const listing = await runCli(['queues', '--json', '--redis', cluster.url, '-n', ns]);
    expect(listing.code, listing.stderr).toBe(0);
    expect((JSON.parse(listing.stdout) as Array<{ jobName: string }>).map((q) => q.jobName).sort()).toEqual(['email', 'flaky', 'resize']);
  });

  it('refuses a namespace without a hash tag, saying which one to use', async () => {
    expect(() => new Enqueuer({ redis: cluster.url, namespace: 'plain' })).toThrow(InvalidArgumentError);
    expect(() => new Client({ redis: cluster.url, namespace: 'plain' })).toThrow(/use "\{plain\}"/);
    const pool = new WorkerPool({ redis: cluster.url, namespace: 'plain' }).job('x', () => {});
    await expect(pool.start()).rejects.toThrow(/no hash tag/);
  });

  it('leaves nothing open after the refusal: the CLI exits 2 at once, and a process that caught it ends by itself', async () => {
    const refused = await runCli(['queues', '--json', '--redis', cluster.url, '-n', 'plain'], { timeoutMs: 10_000 });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/use "\{plain\}"/);
    // The built package, as an application would load it; a cluster client
    // left connecting would keep this process alive until the timeout.
    const script = `
      import { Client, Enqueuer } from './dist/index.js';
      for (const make of [() => new Enqueuer({ redis: process.argv[1], namespace: 'plain' }), () => new Client({ redis: process.argv[1], namespace: 'plain' })]) {
        try { make(); } catch (error) { console.log(error.name); }
      }`;
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script, cluster.url], { cwd: root, encoding: 'utf8', timeout: 10_000 });
    expect(run.signal, 'the process did not end by itself').toBeNull();
    expect(run.stdout.trim().split('\n')).toEqual(['InvalidArgumentError', 'InvalidArgumentError']);
  });

  it('fails over when the master holding the namespace is killed under load; jobs acknowledged outside the replication window all run', { timeout: 90_000 }, async () => {
    const ns = namespace();
    const enqueuer = new Enqueuer({ redis: cluster.url, namespace: ns });
    const pool = new WorkerPool({ redis: cluster.url, namespace: ns, concurrency: 10, ...FAST });
    closers.push(() => enqueuer.close(), () => pool.stop({ graceMs: 100 }));
    const master = await cluster.masterOf(queueKey(`${ns}:`, 'work'));
    const run = await loadAcrossFailover(
      enqueuer,
      pool,
      async () => {
        master.process.kill('SIGKILL');
      },
      async () => Date.now(),
    );
    console.log(`cluster failover: ${run.acked.length} acknowledged enqueues, ${run.settled} outside the ${REPLICATION_WINDOW_MS} ms window all ran; ${run.lostInWindow} of ${run.inWindow} inside it lost`);
    expect(run.settled).toBeGreaterThan(100);
  });
});
