import { describe, expect, it } from 'vitest';
import type { ClusterSnapshot, Sample } from '../../src/tui/state/types.js';
import {
  appendSample,
  formatAge,
  formatRate,
  HISTORY_LENGTH,
  overviewModel,
  poolHealth,
  poolRows,
  queueRows,
  ratePerSecond,
  sampleOf,
  sparkline,
  visibleWindow,
  workerRows,
} from '../../src/tui/state/view-model.js';

const NOW = 1_800_000_000;

function snapshot(overrides: Partial<ClusterSnapshot> = {}): ClusterSnapshot {
  return {
    at: NOW * 1000,
    queues: [
      { jobName: 'email', count: 5, latency: 12, paused: false, running: 2, maxConcurrency: 0, priority: 1, invalidOldest: false },
      { jobName: 'resize', count: 0, latency: 0, paused: true, running: 0, maxConcurrency: 3, priority: 0, invalidOldest: false },
    ],
    pools: [
      { poolId: 'a', startedAt: NOW - 100, heartbeatAt: NOW - 3, jobNames: ['email'], concurrency: 4, host: 'h1', pid: 1, workerIds: ['w1', 'w2'] },
      { poolId: 'b', startedAt: NOW - 100, heartbeatAt: NOW - 20, jobNames: ['resize'], concurrency: 2, host: 'h2', pid: 2, workerIds: ['w3'] },
      { poolId: 'c', startedAt: NOW - 900, heartbeatAt: NOW - 600, jobNames: ['resize'], concurrency: 2, host: 'h3', pid: 3, workerIds: ['w4'] },
    ],
    observations: [
      { workerId: 'w1', poolId: 'a', isBusy: true, jobName: 'email', jobId: 'j1', startedAt: NOW - 7, argsJson: '{"to":"x"}', checkin: 'sending', checkinAt: NOW - 2 },
      { workerId: 'w2', poolId: 'a', isBusy: false, jobName: '', jobId: '', startedAt: 0, argsJson: '', checkin: '', checkinAt: 0 },
    ],
    stats: [
      { jobName: 'email', processed: 100, failed: 4 },
      { jobName: 'resize', processed: 10, failed: 0 },
    ],
    counts: { retry: 3, scheduled: 7, dead: 1_000_000 },
    ...overrides,
  };
}

const sample = (at: number, processed: number, failed = 0, perQueue: Record<string, number> = {}): Sample => ({ at, processed, failed, perQueue });

describe('ages and rates', () => {
  it('formats ages compactly', () => {
    expect(formatAge(0)).toBe('0s');
    expect(formatAge(59.9)).toBe('59s');
    expect(formatAge(61)).toBe('1m01s');
    expect(formatAge(3 * 3600 + 5 * 60)).toBe('3h05m');
    expect(formatAge(2 * 86_400 + 3600)).toBe('2d1h');
    expect(formatAge(-5)).toBe('0s');
  });

  it('computes per-second rates from the last two samples', () => {
    expect(ratePerSecond([], (s) => s.processed)).toBe(0);
    expect(ratePerSecond([sample(0, 10)], (s) => s.processed)).toBe(0);
    expect(ratePerSecond([sample(0, 10), sample(2000, 50)], (s) => s.processed)).toBe(20);
    // Counters that went down (reset) give 0, not a negative rate.
    expect(ratePerSecond([sample(0, 50), sample(2000, 10)], (s) => s.processed)).toBe(0);
    expect(formatRate(20)).toBe('20/s');
    expect(formatRate(1500)).toBe('1.5k/s');
    expect(formatRate(0.5)).toBe('0.5/s');
  });

  it('keeps a bounded history', () => {
    let history: Sample[] = [];
    for (let i = 0; i < HISTORY_LENGTH + 10; i++) history = appendSample(history, sample(i, i));
    expect(history).toHaveLength(HISTORY_LENGTH);
    expect(history[0]!.at).toBe(10);
  });

  it('draws a sparkline of increases, scaled to the largest', () => {
    const history = [sample(0, 0), sample(1, 10), sample(2, 10), sample(3, 15)];
    expect(sparkline(history, (s) => s.processed)).toBe('█▁▅');
    expect(sparkline([sample(0, 5), sample(1, 5)], (s) => s.processed)).toBe('▁');
  });

  it('sums counters into a sample', () => {
    expect(sampleOf(snapshot())).toEqual({ at: NOW * 1000, processed: 110, failed: 4, perQueue: { email: 100, resize: 10 } });
  });
});

describe('pool health', () => {
  it('is ok within 15 s, stale after, dead after a minute', () => {
    const [a, b, c] = snapshot().pools;
    expect(poolHealth(a!, NOW)).toBe('ok');
    expect(poolHealth(b!, NOW)).toBe('stale');
    expect(poolHealth(c!, NOW)).toBe('dead');
  });
});

describe('rows', () => {
  it('builds the overview from counts, pools and rates', () => {
    const history = [sampleOf(snapshot({ at: (NOW - 2) * 1000, stats: [{ jobName: 'email', processed: 80, failed: 2 }] })), sampleOf(snapshot())];
    const m = overviewModel(snapshot(), history, NOW);
    expect(m).toMatchObject({ retry: 3, scheduled: 7, dead: 1_000_000, queued: 5, livePools: 1, stalePools: 2, deadPools: 1, busyWorkers: 1, totalWorkers: 4 });
    expect(m.processedPerSecond).toBe(15);
    expect(m.failedPerSecond).toBe(1);
  });

  it('filters queues, pools and busy workers by text', () => {
    const s = snapshot();
    expect(queueRows(s, [], 'res').map((q) => q.jobName)).toEqual(['resize']);
    expect(poolRows(s, 'h2', NOW).map((p) => p.poolId)).toEqual(['b']);
    const workers = workerRows(s, '', NOW);
    expect(workers).toHaveLength(1);
    expect(workers[0]).toMatchObject({ workerId: 'w1', runningFor: 7, checkinAge: 2 });
  });

  it('keeps the selection inside the visible window', () => {
    expect(visibleWindow(5, 0, 10)).toEqual({ start: 0, end: 5 });
    expect(visibleWindow(100, 0, 10)).toEqual({ start: 0, end: 10 });
    expect(visibleWindow(100, 50, 10)).toEqual({ start: 45, end: 55 });
    expect(visibleWindow(100, 99, 10)).toEqual({ start: 90, end: 100 });
  });
});
