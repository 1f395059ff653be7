// Pure: turns a snapshot, the counter history and the clock into what the
// views show. No React, no Redis; every age and rate here takes `now`.
import type { JobEntry, PoolHeartbeat, QueueInfo, WorkerObservation } from '../../engine/client/client.js';
import { formatAge } from '../../support/format.js';
import type { ClusterSnapshot, Sample, SetView } from './types.js';

export { formatAge };

/** work's reaper calls a pool dead after 15 s without a heartbeat; gocraft's after 10 s. */
export const STALE_AFTER_SECONDS = 15;
/** Past this a pool is not just late but gone (its jobs will be or were rescued). */
export const DEAD_AFTER_SECONDS = 60;
export const HISTORY_LENGTH = 60;

export function sampleOf(snapshot: ClusterSnapshot): Sample {
  let processed = 0;
  let failed = 0;
  const perQueue: Record<string, number> = {};
  for (const s of snapshot.stats) {
    processed += s.processed;
    failed += s.failed;
    perQueue[s.jobName] = s.processed;
  }
  return { at: snapshot.at, processed, failed, perQueue };
}

export function appendSample(history: readonly Sample[], sample: Sample): Sample[] {
  const next = [...history, sample];
  return next.length > HISTORY_LENGTH ? next.slice(next.length - HISTORY_LENGTH) : next;
}

/** Per-second rate between the last two samples (0 until there are two, or if counters reset). */
export function ratePerSecond(history: readonly Sample[], pick: (s: Sample) => number): number {
  if (history.length < 2) return 0;
  const a = history[history.length - 2]!;
  const b = history[history.length - 1]!;
  const seconds = (b.at - a.at) / 1000;
  const delta = pick(b) - pick(a);
  return seconds > 0 && delta > 0 ? delta / seconds : 0;
}

const BARS = '▁▂▃▄▅▆▇█';

/** One bar per value, scaled to the largest (all lowest bars when every value is 0). */
export function bars(values: readonly number[]): string {
  const max = Math.max(0, ...values);
  return values.map((d) => (max === 0 ? BARS[0] : BARS[Math.min(BARS.length - 1, Math.round((d / max) * (BARS.length - 1)))])).join('');
}

/** The values in `width` slots, adjacent ones summed (the last slot holds the newest), for a sparkline of a long series. */
export function squeeze(values: readonly number[], width: number): number[] {
  const per = Math.max(1, Math.ceil(values.length / Math.max(1, width)));
  const out: number[] = [];
  for (let end = values.length; end > 0 && out.length < width; end -= per) out.unshift(values.slice(Math.max(0, end - per), end).reduce((a, b) => a + b, 0));
  return out;
}

/** A sparkline of the per-interval increases of a counter. */
export function sparkline(history: readonly Sample[], pick: (s: Sample) => number, width = 12): string {
  const deltas: number[] = [];
  for (let i = 1; i < history.length; i++) deltas.push(Math.max(0, pick(history[i]!) - pick(history[i - 1]!)));
  return bars(deltas.slice(-width));
}

export function formatRate(perSecond: number): string {
  if (perSecond >= 10_000) return `${(perSecond / 1000).toFixed(0)}k/s`;
  if (perSecond >= 1000) return `${(perSecond / 1000).toFixed(1)}k/s`;
  if (perSecond >= 10) return `${perSecond.toFixed(0)}/s`;
  return `${perSecond.toFixed(1)}/s`;
}

export type PoolHealth = 'ok' | 'stale' | 'dead';

export function poolHealth(pool: PoolHeartbeat, nowSeconds: number): PoolHealth {
  const age = nowSeconds - pool.heartbeatAt;
  if (pool.invalid || age > DEAD_AFTER_SECONDS) return 'dead';
  return age > STALE_AFTER_SECONDS ? 'stale' : 'ok';
}

export interface OverviewModel {
  processedPerSecond: number;
  failedPerSecond: number;
  processedTotal: number;
  failedTotal: number;
  retry: number;
  scheduled: number;
  dead: number;
  queued: number;
  livePools: number;
  /** Stale or dead. */
  stalePools: number;
  deadPools: number;
  busyWorkers: number;
  totalWorkers: number;
  server: ClusterSnapshot['server'];
  sparkline: string;
  /** The queue with the most jobs waiting, if any waits. */
  busiest: QueueInfo | undefined;
  /** The queue whose oldest job has waited longest, if any waits. */
  mostDelayed: QueueInfo | undefined;
}

function largest<T>(items: readonly T[], key: (item: T) => number): T | undefined {
  let best: T | undefined;
  for (const item of items) if (key(item) > 0 && (best === undefined || key(item) > key(best))) best = item;
  return best;
}

export function overviewModel(snapshot: ClusterSnapshot, history: readonly Sample[], nowSeconds: number): OverviewModel {
  const health = snapshot.pools.map((p) => poolHealth(p, nowSeconds));
  const last = history[history.length - 1];
  return {
    processedPerSecond: ratePerSecond(history, (s) => s.processed),
    failedPerSecond: ratePerSecond(history, (s) => s.failed),
    processedTotal: last?.processed ?? 0,
    failedTotal: last?.failed ?? 0,
    retry: snapshot.counts.retry,
    scheduled: snapshot.counts.scheduled,
    dead: snapshot.counts.dead,
    queued: snapshot.queues.reduce((sum, q) => sum + q.count, 0),
    livePools: health.filter((h) => h === 'ok').length,
    stalePools: health.filter((h) => h !== 'ok').length,
    deadPools: health.filter((h) => h === 'dead').length,
    busyWorkers: snapshot.observations.filter((o) => o.isBusy).length,
    totalWorkers: snapshot.pools.reduce((sum, p) => sum + p.workerIds.length, 0),
    server: snapshot.server,
    sparkline: sparkline(history, (s) => s.processed, 30),
    busiest: largest(snapshot.queues, (q) => q.count),
    mostDelayed: largest(snapshot.queues, (q) => q.latency),
  };
}

/** Queues in the order trouble shows: longest wait first, then most waiting, paused backlogs before idle queues. */
export function queuesByTrouble(rows: readonly QueueRow[]): QueueRow[] {
  return [...rows].sort((a, b) => b.latency - a.latency || b.count - a.count || Number(b.paused) - Number(a.paused) || a.jobName.localeCompare(b.jobName));
}

const HEALTH_ORDER: Record<PoolHealth, number> = { dead: 0, stale: 1, ok: 2 };

/** Dead and stale pools first, each kind oldest heartbeat first. */
export function poolsByTrouble(rows: readonly PoolRow[]): PoolRow[] {
  return [...rows].sort((a, b) => HEALTH_ORDER[a.health] - HEALTH_ORDER[b.health] || b.age - a.age || a.poolId.localeCompare(b.poolId));
}

/** Busy workers, longest running first. */
export function workersByAge(rows: readonly WorkerRow[]): WorkerRow[] {
  return [...rows].sort((a, b) => b.runningFor - a.runningFor || a.workerId.localeCompare(b.workerId));
}

function matches(filter: string, ...fields: string[]): boolean {
  if (!filter) return true;
  const needle = filter.toLowerCase();
  return fields.some((f) => f.toLowerCase().includes(needle));
}

export interface QueueRow extends QueueInfo {
  sparkline: string;
  ratePerSecond: number;
}

export function queueRows(snapshot: ClusterSnapshot | undefined, history: readonly Sample[], filter: string): QueueRow[] {
  if (!snapshot) return [];
  return snapshot.queues
    .filter((q) => matches(filter, q.jobName))
    .map((q) => ({
      ...q,
      sparkline: sparkline(history, (s) => s.perQueue[q.jobName] ?? 0),
      ratePerSecond: ratePerSecond(history, (s) => s.perQueue[q.jobName] ?? 0),
    }));
}

export interface PoolRow extends PoolHeartbeat {
  age: number;
  health: PoolHealth;
}

export function poolRows(snapshot: ClusterSnapshot | undefined, filter: string, nowSeconds: number): PoolRow[] {
  if (!snapshot) return [];
  return snapshot.pools
    .filter((p) => matches(filter, p.poolId, p.host, ...p.jobNames))
    .map((p) => ({ ...p, age: nowSeconds - p.heartbeatAt, health: poolHealth(p, nowSeconds) }));
}

export interface WorkerRow extends WorkerObservation {
  runningFor: number;
  checkinAge: number | undefined;
}

export function workerRows(snapshot: ClusterSnapshot | undefined, filter: string, nowSeconds: number): WorkerRow[] {
  if (!snapshot) return [];
  return snapshot.observations
    .filter((o) => o.isBusy && matches(filter, o.jobName, o.jobId))
    .map((o) => ({
      ...o,
      runningFor: nowSeconds - o.startedAt,
      checkinAge: o.checkinAt ? nowSeconds - o.checkinAt : undefined,
    }));
}

/** Jobs of the page on screen (filtering narrows the loaded page; the set itself is paged in Redis). */
export function jobRows(snapshot: ClusterSnapshot | undefined, set: SetView, filter: string): JobEntry[] {
  const page = snapshot?.page;
  if (!page || page.set !== set) return [];
  return page.result.jobs.filter((j) => matches(filter, j.invalid ? '' : j.name, j.invalid ? '' : j.id));
}

export function pageCount(total: number, pageSize = 20): number {
  return Math.max(1, Math.ceil(total / pageSize));
}

/** The window of rows to draw so the selection stays visible in `height` lines. */
export function visibleWindow(total: number, selected: number, height: number): { start: number; end: number } {
  const size = Math.max(1, height);
  if (total <= size) return { start: 0, end: total };
  const start = Math.min(Math.max(0, selected - Math.floor(size / 2)), total - size);
  return { start, end: start + size };
}
