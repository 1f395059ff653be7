// Two hosts whose clocks disagree: heartbeats are stamped and judged on
// Redis's clock, so a pool on a host an hour ahead (or behind) neither reaps
// live pools nor gets reaped for it.
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/engine/clock.js';
import { usePoolHarness } from '../support/pool-harness.js';
import { waitFor } from '../support/wait.js';

const h = usePoolHarness('skew');

const offsetClock = (offsetMs: number): Clock => ({ nowMs: () => Date.now() + offsetMs });

describe('hosts with different clocks', () => {
  it('reap no live pool, whether their clocks run an hour ahead or behind', async () => {
    const { pool, enqueuer } = h();
    const timings = { heartbeatIntervalMs: 200, deadAfterMs: 2000, reaperIntervalMs: 100, presenceIntervalMs: 0 };
    const reaps: string[] = [];
    const ran: string[] = [];
    const pools = [-3_600_000, 0, 3_600_000].map((offset) => {
      const p = pool({ ...timings, clock: offsetClock(offset) }).job('work', (job) => {
        ran.push(job.id);
      });
      p.on('pool:reaped', ({ deadPoolId }) => reaps.push(deadPoolId));
      return p;
    });
    for (const p of pools) await p.start();
    // Long enough for every reaper to have judged the others many times.
    await new Promise((r) => setTimeout(r, 2500));
    const jobs = await enqueuer.enqueueBulk(Array.from({ length: 30 }, () => ({ name: 'work' })));
    await waitFor(() => ran.length === 30, { message: 'all jobs ran' });
    expect(reaps).toEqual([]);
    expect(new Set(ran)).toEqual(new Set(jobs.map((j) => j.id)));
  });
});
