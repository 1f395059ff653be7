// What the durable metrics say about a window: per job name, runs, failures,
// rates and run-time and latency percentiles, from the minute (or hour)
// hashes the window covers. Pure: the hashes come in as plain records.
import { LATENCY_S_BOUNDS, quantile, RUN_MS_BOUNDS } from './buckets.js';

export interface Percentiles {
  p50: number | undefined;
  p95: number | undefined;
  p99: number | undefined;
}

export interface JobMetrics {
  jobName: string;
  /** Runs that finished in the window, succeeded or not. */
  done: number;
  failed: number;
  retried: number;
  dead: number;
  /** done per minute over the window. */
  perMinute: number;
  /** failed / done; 0 when nothing ran. */
  failureRatio: number;
  /** Handler run time, ms (bucketed: see metrics/buckets.ts). */
  runMs: Percentiles;
  /** Enqueue to start, s (whole seconds: gocraft's enqueue time has no more). */
  latencySeconds: Percentiles;
  /** Counts per histogram bucket, for merging and sparklines. */
  runBuckets: number[];
  latencyBuckets: number[];
}

interface Totals {
  done: number;
  failed: number;
  retried: number;
  dead: number;
  run: number[];
  latency: number[];
}

/** Adds one metrics hash (fields `<kind>:<name>` or `<kind>:<bucket>:<name>`) into per-name totals. */
export function addHash(totals: Map<string, Totals>, hash: Readonly<Record<string, string>>): void {
  for (const [field, value] of Object.entries(hash)) {
    const n = Number(value);
    if (!Number.isFinite(n)) continue;
    const colon = field.indexOf(':');
    if (colon < 0) continue;
    const kind = field.slice(0, colon);
    let rest = field.slice(colon + 1);
    let bucket = -1;
    if (kind === 'run' || kind === 'lat') {
      const next = rest.indexOf(':');
      if (next < 0) continue;
      bucket = Number(rest.slice(0, next));
      rest = rest.slice(next + 1);
      if (!Number.isInteger(bucket) || bucket < 0) continue;
    }
    let t = totals.get(rest);
    if (!t) {
      t = { done: 0, failed: 0, retried: 0, dead: 0, run: new Array<number>(RUN_MS_BOUNDS.length + 1).fill(0), latency: new Array<number>(LATENCY_S_BOUNDS.length + 1).fill(0) };
      totals.set(rest, t);
    }
    if (kind === 'done' || kind === 'failed' || kind === 'retried' || kind === 'dead') t[kind] += n;
    else if (kind === 'run' && bucket < t.run.length) t.run[bucket]! += n;
    else if (kind === 'lat' && bucket < t.latency.length) t.latency[bucket]! += n;
  }
}

const percentiles = (bounds: readonly number[], counts: readonly number[]): Percentiles => ({
  p50: quantile(bounds, counts, 0.5),
  p95: quantile(bounds, counts, 0.95),
  p99: quantile(bounds, counts, 0.99),
});

/** Per-name metrics of a window of `minutes`, from the hashes it covers; sorted by name. */
export function summarize(hashes: ReadonlyArray<Readonly<Record<string, string>>>, minutes: number): JobMetrics[] {
  const totals = new Map<string, Totals>();
  for (const hash of hashes) addHash(totals, hash);
  return [...totals]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([jobName, t]) => ({
      jobName,
      done: t.done,
      failed: t.failed,
      retried: t.retried,
      dead: t.dead,
      perMinute: minutes > 0 ? t.done / minutes : 0,
      failureRatio: t.done > 0 ? t.failed / t.done : 0,
      runMs: percentiles(RUN_MS_BOUNDS, t.run),
      latencySeconds: percentiles(LATENCY_S_BOUNDS, t.latency),
      runBuckets: t.run,
      latencyBuckets: t.latency,
    }));
}

/**
 * The hash starts a window of `seconds` ending at `now` reads: whole minutes
 * for up to a day, whole hours beyond (the minutes are gone by then). With
 * `ended`, the window stops at the last minute (hour) that has ended, so the
 * one pools are still adding to is left out.
 */
export function windowBuckets(now: number, seconds: number, ended = false): { unit: 'm' | 'h'; starts: number[]; minutes: number } {
  const unit = seconds <= 86_400 ? 'm' : 'h';
  const step = unit === 'm' ? 60 : 3600;
  const last = now - (now % step) - (ended ? step : 0);
  const count = Math.max(1, Math.ceil(seconds / step));
  const starts = Array.from({ length: count }, (_, i) => last - (count - 1 - i) * step);
  return { unit, starts, minutes: (count * step) / 60 };
}
