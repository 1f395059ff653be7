// Load across a failover: a producer enqueues one job at a time, a pool runs
// them, and the Redis serving them is killed meanwhile. Shared by the
// Cluster and Sentinel tests. Redis replicates asynchronously, so a write
// the dying master acknowledged in its last moment may never reach the
// replica: jobs acknowledged inside a window around the kill are counted
// apart, every other one must run.
import type { Enqueuer } from '../../src/engine/enqueuer/enqueuer.js';
import type { WorkerPool } from '../../src/engine/pool/worker-pool.js';
import { waitFor } from './wait.js';

export const REPLICATION_WINDOW_MS = 250;

export interface FailoverRun {
  acked: Array<{ id: string; at: number }>;
  killedAt: number;
  /** Acknowledged outside the window: all ran. */
  settled: number;
  /** Acknowledged inside the window, and how many of those never ran. */
  inWindow: number;
  lostInWindow: number;
}

/**
 * Registers a 'work' handler on `pool` (not started yet), starts it, loads it
 * with at least 300 jobs, calls `kill`, waits until enqueues succeed again
 * (`recovered` resolves with the time service was back) and until every job
 * acknowledged outside the window ran.
 */
export async function loadAcrossFailover(enqueuer: Enqueuer, pool: WorkerPool, kill: () => Promise<void>, recovered: () => Promise<number>): Promise<FailoverRun> {
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
        // refused while Redis fails over: not acknowledged, not counted
      }
      await new Promise((r) => setTimeout(r, 2));
    }
  })();
  try {
    await waitFor(() => acked.length >= 300, { timeoutMs: 20_000, message: 'load before the kill' });
    const killedAt = Date.now();
    await kill();
    const back = await recovered();
    await waitFor(() => acked.some((a) => a.at > back + 300), { timeoutMs: 30_000, message: 'enqueues succeed again' });
    producing = false;
    await producer;
    const outside = (a: { at: number }) => a.at < killedAt - REPLICATION_WINDOW_MS || a.at > killedAt + REPLICATION_WINDOW_MS;
    const settled = acked.filter(outside);
    await waitFor(() => settled.every((a) => ran.has(a.id)), { timeoutMs: 40_000, message: `acknowledged jobs ran (${settled.filter((a) => ran.has(a.id)).length}/${settled.length})` });
    const inWindow = acked.filter((a) => !outside(a));
    return { acked, killedAt, settled: settled.length, inWindow: inWindow.length, lostInWindow: inWindow.filter((a) => !ran.has(a.id)).length };
  } finally {
    producing = false;
    await producer;
  }
}
