// Per-job-type stats for the stats view: runs and failures per minute,
// run-time percentiles and queue latency, with sparklines of the last hour.
// Pure.
//
// The view reads a StatsSource, whatever fed it. Today the console feeds it
// from what it saw since it opened (observe(), below): the processed and
// failed counters between refreshes, the busy workers' jobs from the refresh
// they appeared in to the one they were gone from, and each queue's wait at
// each refresh. That is not durable and misses what ran while the console
// was closed, and the view says so. Durable per-minute counters kept in
// Redis can feed the same source (see StatsSource.kind).
import type { ClusterSnapshot } from './types.js';

export interface Percentiles {
  p50: number | undefined;
  p95: number | undefined;
  p99: number | undefined;
}

export interface MinuteCounts {
  /** Epoch seconds of the minute's start. */
  minute: number;
  done: number;
  failed: number;
}

/** What a source knows of one job name over the last hour. */
export interface JobTypeSeries {
  jobName: string;
  /** Oldest first, one entry per minute that saw anything. */
  minutes: MinuteCounts[];
  /** How long its jobs ran, ms. */
  runMs: Percentiles;
  /** How long its jobs waited in the queue, s. */
  latencySeconds: Percentiles;
}

export interface StatsSource {
  /** `console`: seen by this console since it opened; `durable`: counters kept in Redis. */
  kind: 'console' | 'durable';
  /** Epoch ms the data starts at (the console's first refresh; a durable window's start). */
  since: number;
  jobs: JobTypeSeries[];
}

/** What one busy worker's job looked like when last seen. */
interface Running {
  jobName: string;
  startedAt: number;
  lastSeen: number;
}

/** The console's own record, grown by observe() at each refresh. Maps, because job names come from Redis (a name may be "__proto__"). */
export interface ObservedStats {
  since: number | undefined;
  lastAt: number | undefined;
  processed: ReadonlyMap<string, number>;
  failed: ReadonlyMap<string, number>;
  minutes: ReadonlyMap<string, MinuteCounts[]>;
  /** Busy workers' jobs, by worker and job id. */
  running: ReadonlyMap<string, Running>;
  /** Recent samples per name, newest last, with the epoch ms they were taken at. */
  runMs: ReadonlyMap<string, Array<[number, number]>>;
  waits: ReadonlyMap<string, Array<[number, number]>>;
}

export const WINDOW_MINUTES = 60;
/** Samples kept per name and kind: enough for a p99, bounded whatever the traffic. */
const SAMPLES = 600;

export function emptyObserved(): ObservedStats {
  return { since: undefined, lastAt: undefined, processed: new Map(), failed: new Map(), minutes: new Map(), running: new Map(), runMs: new Map(), waits: new Map() };
}

const minuteOf = (ms: number) => Math.floor(ms / 60_000) * 60;

function addMinute(list: readonly MinuteCounts[] | undefined, minute: number, done: number, failed: number, oldest: number): MinuteCounts[] {
  const kept = (list ?? []).filter((m) => m.minute >= oldest);
  const last = kept[kept.length - 1];
  if (last && last.minute === minute) return [...kept.slice(0, -1), { minute, done: last.done + done, failed: last.failed + failed }];
  return [...kept, { minute, done, failed }];
}

function addSample(list: ReadonlyArray<[number, number]> | undefined, at: number, value: number, oldest: number): Array<[number, number]> {
  const kept = (list ?? []).filter(([t]) => t >= oldest);
  kept.push([at, value]);
  return kept.length > SAMPLES ? kept.slice(kept.length - SAMPLES) : kept;
}

/** The record grown by one refresh. Counters that went down (reset) count from their new value on. */
export function observe(stats: ObservedStats, snapshot: ClusterSnapshot): ObservedStats {
  const at = snapshot.at;
  if (stats.lastAt !== undefined && at <= stats.lastAt) return stats;
  const minute = minuteOf(at);
  const oldestMinute = minute - (WINDOW_MINUTES - 1) * 60;
  const oldestMs = at - WINDOW_MINUTES * 60_000;
  const processed = new Map<string, number>();
  const failedCounts = new Map<string, number>();
  const minutes = new Map(stats.minutes);
  const running = new Map<string, Running>();
  const runMs = new Map(stats.runMs);
  const waits = new Map<string, Array<[number, number]>>();
  for (const s of snapshot.stats) {
    processed.set(s.jobName, s.processed);
    failedCounts.set(s.jobName, s.failed);
    // The first refresh only sets where the counters start.
    if (stats.lastAt === undefined) continue;
    const done = Math.max(0, s.processed - (stats.processed.get(s.jobName) ?? s.processed));
    const failed = Math.max(0, s.failed - (stats.failed.get(s.jobName) ?? s.failed));
    if (done > 0 || failed > 0) minutes.set(s.jobName, addMinute(stats.minutes.get(s.jobName), minute, done, failed, oldestMinute));
  }
  for (const o of snapshot.observations) {
    if (o.isBusy && o.jobId) running.set(`${o.workerId} ${o.jobId}`, { jobName: o.jobName, startedAt: o.startedAt, lastSeen: at });
  }
  // A job seen running and gone now finished in between: halfway is the best guess.
  for (const [key, r] of stats.running) {
    if (running.has(key)) continue;
    runMs.set(r.jobName, addSample(runMs.get(r.jobName), at, Math.max(0, (r.lastSeen + at) / 2 - r.startedAt * 1000), oldestMs));
  }
  for (const q of snapshot.queues) waits.set(q.jobName, addSample(stats.waits.get(q.jobName), at, q.latency, oldestMs));
  // Names no longer listed anywhere keep their samples until they age out.
  for (const [name, samples] of stats.waits) if (!waits.has(name) && samples.some(([t]) => t >= oldestMs)) waits.set(name, samples);
  return { since: stats.since ?? at, lastAt: at, processed, failed: failedCounts, minutes, running, runMs, waits };
}

/** Nearest-rank percentile of the values (undefined when there are none). */
export function percentile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function percentiles(samples: ReadonlyArray<[number, number]> | undefined, oldest: number): Percentiles {
  const values = (samples ?? []).filter(([t]) => t >= oldest).map(([, v]) => v);
  return { p50: percentile(values, 0.5), p95: percentile(values, 0.95), p99: percentile(values, 0.99) };
}

/** The console's record as a StatsSource for the last hour up to `nowMs`. */
export function observedSource(stats: ObservedStats, nowMs: number): StatsSource {
  const oldest = nowMs - WINDOW_MINUTES * 60_000;
  const names = new Set([...stats.processed.keys(), ...stats.runMs.keys(), ...stats.waits.keys()]);
  return {
    kind: 'console',
    since: stats.since ?? nowMs,
    jobs: [...names].sort().map((jobName) => ({
      jobName,
      minutes: (stats.minutes.get(jobName) ?? []).filter((m) => m.minute * 1000 >= oldest - 60_000),
      runMs: percentiles(stats.runMs.get(jobName), oldest),
      latencySeconds: percentiles(stats.waits.get(jobName), oldest),
    })),
  };
}

/** One row of the stats view. */
export interface StatsRow {
  jobName: string;
  donePerMinute: number;
  failedPerMinute: number;
  done: number;
  failed: number;
  runMs: Percentiles;
  latencySeconds: Percentiles;
  /** Per-minute runs and failures over the window, oldest first, a slot per minute (0 where none). */
  doneSeries: number[];
  failedSeries: number[];
}

/** Minutes the window covers at `nowMs` (a fraction early on): since the source's start, at least a second, at most an hour. */
export function windowMinutes(source: StatsSource, nowMs: number): number {
  return Math.max(1 / 60, Math.min(WINDOW_MINUTES, (nowMs - source.since) / 60_000));
}

export function statsRows(source: StatsSource, nowMs: number): StatsRow[] {
  const minutes = windowMinutes(source, nowMs);
  const current = minuteOf(nowMs);
  return source.jobs.map((job) => {
    const doneSeries = new Array<number>(WINDOW_MINUTES).fill(0);
    const failedSeries = new Array<number>(WINDOW_MINUTES).fill(0);
    let done = 0;
    let failed = 0;
    for (const m of job.minutes) {
      const slot = WINDOW_MINUTES - 1 - (current - m.minute) / 60;
      if (slot < 0 || slot >= WINDOW_MINUTES) continue;
      doneSeries[slot] = m.done;
      failedSeries[slot] = m.failed;
      done += m.done;
      failed += m.failed;
    }
    return { jobName: job.jobName, donePerMinute: done / minutes, failedPerMinute: failed / minutes, done, failed, runMs: job.runMs, latencySeconds: job.latencySeconds, doneSeries, failedSeries };
  });
}

/** "since the console opened 12m ago (seen by this console, not durable)", or the durable window. */
export function sourceLabel(source: StatsSource, nowMs: number, age: (seconds: number) => string): string {
  if (source.kind === 'durable') return `last ${Math.ceil(windowMinutes(source, nowMs))} minutes, from the durable counters in Redis`;
  return `since the console opened ${age((nowMs - source.since) / 1000)} ago (what this console saw, not durable)`;
}
