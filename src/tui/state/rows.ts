// The rows each list shows, in the order on screen: the view model's rows,
// narrowed by the filter or replaced by a search's matches, in the order
// `s` picked. The reducer (selection, Enter, acting keys) and the views read
// rows only through here, so what is acted on is what is drawn. Pure.
import type { JobEntry, QueuedEntry } from '../../engine/client/client.js';
import { alphabetical, asListed, most, sortKeyAt, sortRows, type SortKey } from './sort.js';
import { observedSource, statsRows, type StatsRow, type StatsSource } from './stats.js';
import type { SetView, TopState, View } from './types.js';
import { jobRows, poolRows, queueRows, workerRows, type PoolRow, type QueueRow, type WorkerRow } from './view-model.js';

const usual = asListed as SortKey<never>;

export const QUEUE_SORTS: readonly SortKey<QueueRow>[] = [
  usual,
  most('Latency', 'longest wait first', (q) => q.latency, (q) => q.jobName),
  most('Queued', 'most waiting first', (q) => q.count, (q) => q.jobName),
  most('Running', 'most running first', (q) => q.running, (q) => q.jobName),
  most('Rate', 'busiest first', (q) => q.ratePerSecond, (q) => q.jobName),
];

export const POOL_SORTS: readonly SortKey<PoolRow>[] = [
  usual,
  most('Beat', 'oldest heartbeat first', (p) => p.age, (p) => p.poolId),
  alphabetical('Host', (p) => p.host),
  most('Conc', 'most workers first', (p) => p.concurrency, (p) => p.poolId),
];

/** Busy workers: longest running first is the usual order (the stuck job shows first). */
export const WORKER_SORTS: readonly SortKey<WorkerRow>[] = [
  most('Running', 'longest running first', (w) => w.runningFor, (w) => w.workerId),
  most('Age', 'oldest check-in first', (w) => w.checkinAge ?? -1, (w) => w.workerId),
  alphabetical('Job', (w) => w.jobName),
];

export const JOB_SORTS: readonly SortKey<JobEntry>[] = [
  usual,
  most('Fails', 'most fails first', (j) => j.fails, (j) => j.id),
  alphabetical('Job', (j) => j.name),
  alphabetical('Error', (j) => j.lastError ?? ''),
];

export const STATS_SORTS: readonly SortKey<StatsRow>[] = [
  usual,
  most('Done/min', 'busiest first', (r) => r.donePerMinute, (r) => r.jobName),
  most('Fail/min', 'most failing first', (r) => r.failedPerMinute, (r) => r.jobName),
  most('p99', 'slowest first', (r) => r.runMs.p99 ?? -1, (r) => r.jobName),
  most('Wait', 'longest wait first', (r) => r.latencySeconds.p95 ?? -1, (r) => r.jobName),
];

/** The sort keys of a view (queues opened on a queue list its jobs, as a set does). */
export function sortsOf(view: View): readonly SortKey<never>[] {
  switch (view) {
    case 'queues':
      return QUEUE_SORTS;
    case 'pools':
      return POOL_SORTS;
    case 'workers':
      return WORKER_SORTS;
    case 'stats':
      return STATS_SORTS;
    case 'overview':
      return [];
    default:
      return JOB_SORTS;
  }
}

export function currentSort(state: Pick<TopState, 'sort' | 'view'>, view: View = state.view): SortKey<never> | undefined {
  return sortKeyAt(sortsOf(view), state.sort[view]);
}

const matches = (filter: string, ...fields: string[]) => !filter || fields.some((f) => f.toLowerCase().includes(filter.toLowerCase()));

type RowState = Pick<TopState, 'snapshot' | 'history' | 'filter' | 'sort' | 'search' | 'queueJobs' | 'observed'>;

export function listedQueues(state: RowState): QueueRow[] {
  return sortRows(queueRows(state.snapshot, state.history, state.filter), QUEUE_SORTS, state.sort.queues);
}

export function listedPools(state: RowState, nowSeconds: number): PoolRow[] {
  return sortRows(poolRows(state.snapshot, state.filter, nowSeconds), POOL_SORTS, state.sort.pools);
}

export function listedWorkers(state: RowState, nowSeconds: number): WorkerRow[] {
  return sortRows(workerRows(state.snapshot, state.filter, nowSeconds), WORKER_SORTS, state.sort.workers);
}

/** The set view's rows: the search's matches when a search of this set is on screen, else the page. */
export function listedJobs(state: RowState, set: SetView): JobEntry[] {
  const rows = state.search?.set === set ? state.search.matches : jobRows(state.snapshot, set, '');
  return sortRows(rows, JOB_SORTS, state.sort[set]);
}

/** The jobs of the queue opened on the queues view, next to be taken first. */
export function listedQueueJobs(state: RowState): QueuedEntry[] {
  const page = state.snapshot?.queuePage;
  if (!state.queueJobs || !page || page.jobName !== state.queueJobs.jobName || page.number !== state.queueJobs.page) return [];
  return page.result.jobs;
}

/** What the stats view reads: durable counters when Redis has any, else what this console saw. */
export function statsSourceOf(state: RowState, nowMs: number): StatsSource {
  const durable = state.snapshot?.durable;
  return durable && durable.jobs.length > 0 ? durable : observedSource(state.observed, nowMs);
}

export function listedStats(state: RowState, nowMs: number): StatsRow[] {
  const rows = statsRows(statsSourceOf(state, nowMs), nowMs).filter((r) => matches(state.filter, r.jobName));
  return sortRows(rows, STATS_SORTS, state.sort.stats);
}

/** Number of selectable rows in a view, for keeping the selection in range. */
export function rowCount(state: RowState, view: View, nowSeconds: number): number {
  switch (view) {
    case 'overview':
      return 0;
    case 'queues':
      return state.queueJobs ? listedQueueJobs(state).length : listedQueues(state).length;
    case 'pools':
      return listedPools(state, nowSeconds).length;
    case 'workers':
      return listedWorkers(state, nowSeconds).length;
    case 'stats':
      return listedStats(state, nowSeconds * 1000).length;
    default:
      return listedJobs(state, view).length;
  }
}
