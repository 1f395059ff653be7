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
import { loadAcrossFailover, REPLICATION_WINDOW_MS } from '../support/failover-load.js';
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
    let old: Awaited<ReturnType<SentinelHandle['master']>>;
    const run = await loadAcrossFailover(
      enqueuer,
      pool,
      async () => {
        old = await setup.master();
        old.process.kill('SIGKILL');
      },
      async () => {
        await waitFor(async () => (await setup.master().catch(() => old)) !== old, { timeoutMs: 30_000, message: 'the sentinels to promote the replica' });
        return Date.now();
      },
    );
    console.log(
      `sentinel failover: promoted after the kill; ${run.acked.length} acknowledged enqueues, ${run.settled} outside the ${REPLICATION_WINDOW_MS} ms window all ran; ${run.lostInWindow} of ${run.inWindow} inside it lost`,
    );
    // The Client reads the new master too.
    expect((await client.queues()).map((q) => q.jobName)).toEqual(['work']);
    // And the CLI takes the same URL.
    const listing = await runCli(['queues', '--json', '--redis', setup.url, '-n', ns]);
    expect(listing.code, listing.stderr).toBe(0);
    expect(run.settled).toBeGreaterThan(100);
  });
});
