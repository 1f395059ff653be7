// Durable metrics: the pure pieces (buckets, quantiles, per-batch counts,
// summaries), then the counters two pools write for a known mix of runs.
import { describe, expect, it } from 'vitest';
import { Client } from '../../src/engine/client/client.js';
import { bucketOf, LATENCY_S_BOUNDS, quantile, RUN_MS_BOUNDS } from '../../src/engine/metrics/buckets.js';
import { countsOf } from '../../src/engine/metrics/job-counts.js';
import { addHash, summarize, windowBuckets } from '../../src/engine/metrics/summary.js';
import { usePoolHarness } from '../support/pool-harness.js';
import { waitFor } from '../support/wait.js';

describe('buckets and quantiles', () => {
  it('puts a value in the first bucket whose bound holds it, the rest in the overflow bucket', () => {
    expect(bucketOf(RUN_MS_BOUNDS, 0)).toBe(0);
    expect(bucketOf(RUN_MS_BOUNDS, 1)).toBe(0);
    expect(bucketOf(RUN_MS_BOUNDS, 1.5)).toBe(1);
    expect(bucketOf(RUN_MS_BOUNDS, 999)).toBe(9);
    expect(bucketOf(RUN_MS_BOUNDS, 10 ** 9)).toBe(RUN_MS_BOUNDS.length);
    expect(bucketOf(LATENCY_S_BOUNDS, 0)).toBe(0);
  });

  it('reads quantiles linearly within a bucket, as Prometheus does', () => {
    // 100 runs between 10 and 25 ms (bucket 4), 100 between 25 and 50 ms.
    const counts = new Array(RUN_MS_BOUNDS.length + 1).fill(0);
    counts[4] = 100;
    counts[5] = 100;
    expect(quantile(RUN_MS_BOUNDS, counts, 0.5)).toBe(25);
    expect(quantile(RUN_MS_BOUNDS, counts, 0.25)).toBe(17.5);
    expect(quantile(RUN_MS_BOUNDS, counts, 1)).toBe(50);
    expect(quantile(RUN_MS_BOUNDS, new Array(17).fill(0), 0.5)).toBeUndefined();
  });

  it('merges by addition: two pools\' hashes read as one', () => {
    const a = Object.fromEntries(chunk(countsOf('q', [{ outcome: 'ok', runMs: 3, waitedSeconds: 0 }, { outcome: 'retry', runMs: 30, waitedSeconds: 2 }])));
    const b = Object.fromEntries(chunk(countsOf('q', [{ outcome: 'dead', runMs: 3, waitedSeconds: 0 }])));
    const [q] = summarize([a, b], 1);
    expect(q).toMatchObject({ jobName: 'q', done: 3, failed: 2, retried: 1, dead: 1, perMinute: 3, failureRatio: 2 / 3 });
    expect(q!.runBuckets[2]).toBe(2);
    expect(q!.runBuckets[5]).toBe(1);
    const totals = new Map();
    addHash(totals, { 'done:a:b': '2', 'run:x:a': '1', junk: '1', 'done:z': 'NaN' });
    expect(totals.get('a:b').done).toBe(2); // a Go job name may hold ':'
    expect(totals.size).toBe(1);
  });

  it('reads minutes for up to a day, hours beyond', () => {
    expect(windowBuckets(1_800_000_030, 900)).toMatchObject({ unit: 'm', minutes: 15 });
    expect(windowBuckets(1_800_000_030, 900).starts.at(-1)).toBe(1_800_000_000 - (1_800_000_000 % 60));
    expect(windowBuckets(1_800_000_030, 7 * 86_400)).toMatchObject({ unit: 'h', minutes: 7 * 24 * 60 });
  });
});

function chunk(flat: Array<string | number>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i < flat.length; i += 2) out.push([String(flat[i]), String(flat[i + 1])]);
  return out;
}

const h = usePoolHarness('metrics');

describe('counters written by pools', () => {
  it('count a known mix of successes, failures, retries and deaths across two pools', async () => {
    const { pool, enqueuer, t } = h();
    const handler = async (job: { args: Record<string, unknown> }) => {
      if (job.args.sleep) await new Promise((r) => setTimeout(r, Number(job.args.sleep)));
      if (job.args.fail) throw new Error('no');
    };
    const pools = [pool({ concurrency: 3 }), pool({ concurrency: 3 })];
    for (const p of pools) p.job('mix', { maxFails: 2, backoff: () => 3600 }, handler).job('other', handler).job('fragile', { maxFails: 1 }, handler);
    for (const p of pools) await p.start();
    await enqueuer.enqueueBulk([
      ...Array.from({ length: 20 }, () => ({ name: 'mix', args: {} })),
      ...Array.from({ length: 5 }, () => ({ name: 'mix', args: { sleep: 60 } })),
      ...Array.from({ length: 4 }, () => ({ name: 'mix', args: { fail: true } })), // first failure: to retry
      ...Array.from({ length: 3 }, () => ({ name: 'other', args: { fail: true } })), // maxFails 4: retry too
      ...Array.from({ length: 2 }, () => ({ name: 'fragile', args: { fail: true } })), // maxFails 1: dead
    ]);
    const client = new Client({ redis: t.redis, namespace: t.namespace });
    const window = await waitFor(async () => {
      const m = await client.metrics(600);
      const done = m.jobs.reduce((sum, j) => sum + j.done, 0);
      return done === 34 ? m : undefined;
    });
    const mix = window.jobs.find((j) => j.jobName === 'mix')!;
    expect(mix).toMatchObject({ done: 29, failed: 4, retried: 4, dead: 0 });
    expect(window.jobs.find((j) => j.jobName === 'other')).toMatchObject({ done: 3, failed: 3, retried: 3, dead: 0 });
    expect(window.jobs.find((j) => j.jobName === 'fragile')).toMatchObject({ done: 2, failed: 2, retried: 0, dead: 2, failureRatio: 1 });
    // 5 runs took about 60 ms (bucket <= 100 ms), the rest a few ms.
    expect(mix.runBuckets.slice(6).reduce((a, b) => a + b, 0)).toBe(5);
    expect(mix.runMs.p99).toBeGreaterThan(50);
    expect(mix.runMs.p50).toBeLessThan(25);
    expect(mix.latencySeconds.p50).toBeLessThanOrEqual(1);
    // Both pools wrote into the same minute and hour hashes (Redis's clock).
    expect((await t.redis.hget(`${t.prefix}metrics:h:${window.now - (window.now % 3600)}`, 'done:mix'))).toBe('29');
  });
});

describe('NameCounts', () => {
  it('adds up run times and tells discarded failures from retried and dead ones', async () => {
    const { NameCounts } = await import('../../src/engine/metrics/job-counts.js');
    const counts = new NameCounts();
    for (const outcome of ['ok', 'retry', 'dead', 'discard', 'discard'] as const) counts.add({ outcome, runMs: 1.5, waitedSeconds: undefined });
    expect([counts.done, counts.failed, counts.retried, counts.dead, counts.discarded]).toEqual([5, 4, 1, 1, 2]);
    expect(counts.runMsSum).toBe(7.5);
    expect(counts.latency.every((n) => n === 0)).toBe(true);
  });
});

describe('MetricsTally', () => {
  it('sends at most once a second (or when forced), and keeps what could not be sent', async () => {
    const { MetricsTally } = await import('../../src/engine/metrics/tally.js');
    const tally = new MetricsTally(1000);
    tally.add('q', { outcome: 'ok', runMs: 3, waitedSeconds: 0 });
    tally.add('q', { outcome: 'dead', runMs: 3, waitedSeconds: 0 });
    const first = tally.take(5000)!;
    expect(Object.fromEntries(chunk(first.get('q')!))).toEqual({ 'done:q': '2', 'run:2:q': '2', 'lat:0:q': '2', 'failed:q': '1', 'dead:q': '1' });
    expect(tally.pending).toBe(false);
    tally.add('q', { outcome: 'ok', runMs: 3, waitedSeconds: 0 });
    expect(tally.take(5500)).toBeUndefined(); // within the second
    expect(tally.take(5500, true)).toBeDefined(); // a stop forces it
    tally.giveBack(first);
    expect(tally.pending).toBe(true);
    expect(Object.fromEntries(chunk(tally.take(9000)!.get('q')!))['done:q']).toBe('2');
  });

  it('adds what was given back to what was counted since, name by name, in one send', async () => {
    const { MetricsTally } = await import('../../src/engine/metrics/tally.js');
    const tally = new MetricsTally(1000);
    tally.add('q', { outcome: 'retry', runMs: 700, waitedSeconds: undefined });
    const failedSend = tally.take(5000)!;
    tally.add('q', { outcome: 'ok', runMs: 700, waitedSeconds: 4 });
    tally.add('r', { outcome: 'ok', runMs: 0.5, waitedSeconds: 0 });
    tally.giveBack(failedSend);
    const sent = tally.take(7000)!;
    expect(Object.fromEntries(chunk(sent.get('q')!))).toEqual({ 'done:q': '2', 'failed:q': '1', 'retried:q': '1', 'run:9:q': '2', 'lat:3:q': '1' });
    expect(Object.fromEntries(chunk(sent.get('r')!))).toEqual({ 'done:r': '1', 'run:0:r': '1', 'lat:0:r': '1' });
    expect(tally.pending).toBe(false);
  });
});
