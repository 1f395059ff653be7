// Through Sentinel (a master, a replica and three sentinels, started by the
// test): pools, an enqueuer and the Client follow a failover by themselves,
// and every enqueue acknowledged outside the replication window runs.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../src/engine/client/client.js';
import { Enqueuer } from '../../src/engine/enqueuer/enqueuer.js';
import { WorkerPool } from '../../src/engine/pool/worker-pool.js';
import { startRedisSentinel, type SentinelHandle } from '../../src/support/private-sentinel.js';
import { runCli } from '../support/cli.js';
import { waitFor } from '../support/wait.js';

let setup: SentinelHandle;
const closers: Array<() => Promise<unknown>> = [];
beforeAll(async () => {
  setup = await startRedisSentinel();
}, 60_000);
afterAll(async () => {
  const bounded = (work: Promise<unknown>) => Promise.race([work.catch(() => undefined), new Promise((r) => setTimeout(r, 3000))]);
  for (const close of closers.reverse()) await bounded(close());
  await setup?.stop();
}, 60_000);

describe('through Sentinel', () => {
  it('follows a failover of the master under load: pools, producer and Client reconnect, acknowledged jobs run', { timeout: 90_000 }, async () => {
    const ns = `s-${randomBytes(4).toString('hex')}`;
    const enqueuer = new Enqueuer({ redis: setup.url, namespace: ns });
    const client = new Client({ redis: setup.url, namespace: ns });
    const pool = new WorkerPool({ redis: setup.url, namespace: ns, concurrency: 10, heartbeatIntervalMs: 300, deadAfterMs: 4000, reaperIntervalMs: 200 });
    closers.push(() => enqueuer.close(), () => client.close(), () => pool.stop({ graceMs: 100 }));
    pool.on('error', () => undefined); // connection errors during the failover are expected
    const ran = new Set<string>();
    pool.job('work', async (job) => {
      await new Promise((r) => setTimeout(r, 5));
      ran.add(job.id);
    });
    await pool.start();
    const acked: Array<{ id: string; at: number }> = [];
    let producing = true;
    const producer = (async () => {
      while (producing) {
        try {
          const job = await enqueuer.enqueue('work', { n: acked.length });
          acked.push({ id: job.id, at: Date.now() });
        } catch {
          // refused while the master is away: not acknowledged, not counted
        }
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    await waitFor(() => acked.length >= 300, { timeoutMs: 20_000, message: 'load before the kill' });
    const old = await setup.master();
    const killedAt = Date.now();
    old.process.kill('SIGKILL');
    await waitFor(async () => (await setup.master().catch(() => old)) !== old, { timeoutMs: 30_000, message: 'the sentinels to promote the replica' });
    const promotedAt = Date.now();
    await waitFor(() => acked.some((a) => a.at > promotedAt + 300), { timeoutMs: 30_000, message: 'enqueues succeed again' });
    producing = false;
    await producer;
    const WINDOW_MS = 250;
    const settled = acked.filter((a) => a.at < killedAt - WINDOW_MS || a.at > killedAt + WINDOW_MS);
    await waitFor(() => settled.every((a) => ran.has(a.id)), { timeoutMs: 40_000, message: `acknowledged jobs ran (${settled.filter((a) => ran.has(a.id)).length}/${settled.length})` });
    const inWindow = acked.filter((a) => !settled.includes(a));
    console.log(
      `sentinel failover: promoted ${promotedAt - killedAt} ms after the kill; ${acked.length} acknowledged enqueues, ${settled.length} outside the ${WINDOW_MS} ms window all ran; ${inWindow.filter((a) => !ran.has(a.id)).length} of ${inWindow.length} inside it lost`,
    );
    // The Client reads the new master too.
    expect((await client.queues()).map((q) => q.jobName)).toEqual(['work']);
    // And the CLI takes the same URL.
    const listing = await runCli(['queues', '--json', '--redis', setup.url, '-n', ns]);
    expect(listing.code, listing.stderr).toBe(0);
    expect(settled.filter((a) => a.at < killedAt).length).toBeGreaterThan(100);
    expect(settled.some((a) => a.at > promotedAt)).toBe(true);
  });
});
