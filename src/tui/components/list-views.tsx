// Queues, pools and workers: each a table over its listed rows (filtered and
// sorted, state/rows.ts). The column lists are shared with the overview,
// which shows fewer rows of each. A queue opened with Enter lists its jobs.
import { Box, Text } from 'ink';
import React from 'react';
import type { QueuedEntry } from '../../engine/client/client.js';
import { oneLine } from '../../support/columns.js';
import { fit, textWidth, truncate } from '../../support/fit.js';
import { currentSort, listedPools, listedQueueJobs, listedQueues, listedWorkers } from '../state/rows.js';
import { markSorted } from '../state/sort.js';
import type { TopState } from '../state/types.js';
import { formatAge, formatRate, pageCount, type PoolRow, type QueueRow, type WorkerRow } from '../state/view-model.js';
import { Table, type Column } from './table.js';

export interface ViewProps {
  state: TopState;
  nowSeconds: number;
  width: number;
  height: number;
  color: boolean;
}

// Ranks: when a narrow screen cannot hold every title, the lowest goes first.
export const queueColumns: Column<QueueRow>[] = [
  { title: 'Queue', cell: (q) => q.jobName, cut: 'middle', min: 24, rank: 9 },
  { title: 'Queued', cell: (q) => String(q.count), align: 'right', rank: 8 },
  { title: 'Latency', cell: (q) => (q.invalidOldest ? 'invalid' : formatAge(q.latency)), align: 'right', rank: 7, color: (q) => (q.latency > 60 ? 'yellow' : undefined) },
  { title: 'Running', cell: (q) => String(q.running), align: 'right', rank: 5 },
  { title: 'Paused', cell: (q) => (q.paused ? 'paused' : ''), rank: 6, color: (q) => (q.paused ? 'yellow' : undefined) },
  { title: 'Rate', cell: (q) => formatRate(q.ratePerSecond), align: 'right', rank: 4 },
  { title: 'Prio', cell: (q) => (q.priority > 0 ? String(q.priority) : ''), align: 'right', rank: 1, extra: true },
  { title: 'Max', cell: (q) => (q.maxConcurrency > 0 ? String(q.maxConcurrency) : ''), align: 'right', rank: 1, extra: true },
  { title: 'Throughput', cell: (q) => q.sparkline, rank: 2, extra: true },
];

export const poolColumns: Column<PoolRow>[] = [
  { title: 'Pool', cell: (p) => p.poolId, cut: 'middle', min: 10, rank: 8 },
  { title: 'Host', cell: (p) => p.host, cut: 'middle', min: 10, rank: 7 },
  { title: 'PID', cell: (p) => String(p.pid), align: 'right', rank: 3 },
  { title: 'Conc', cell: (p) => String(p.concurrency), align: 'right', rank: 4 },
  { title: 'Jobs', cell: (p) => p.jobNames.join(','), min: 10, max: 50, rank: 2, extra: true },
  { title: 'Up', cell: (p) => (p.startedAt ? formatAge(p.heartbeatAt - p.startedAt + p.age) : '-'), align: 'right', rank: 1, extra: true },
  { title: 'Beat', cell: (p) => formatAge(p.age), align: 'right', rank: 9, color: (p) => (p.health === 'ok' ? undefined : 'red') },
  { title: 'State', cell: (p) => (p.health === 'ok' ? 'ok' : p.health.toUpperCase()), rank: 9, color: (p) => (p.health === 'ok' ? 'green' : 'red') },
];

export const workerColumns: Column<WorkerRow>[] = [
  { title: 'Job', cell: (w) => w.jobName, cut: 'middle', min: 12, rank: 9 },
  { title: 'ID', cell: (w) => w.jobId, cut: 'middle', min: 10, rank: 6 },
  { title: 'Args', cell: (w) => w.argsJson, min: 10, max: 40, rank: 3, extra: true },
  { title: 'Running', cell: (w) => formatAge(w.runningFor), align: 'right', rank: 8 },
  { title: 'Check-in', cell: (w) => w.checkin, min: 12, max: 60, rank: 7 },
  { title: 'Age', cell: (w) => (w.checkinAge === undefined ? '' : formatAge(w.checkinAge)), align: 'right', rank: 5 },
];

const queuedColumns = (nowSeconds: number): Column<QueuedEntry>[] => [
  { title: 'Ahead', cell: (j) => String(j.ahead), align: 'right', rank: 6 },
  { title: 'ID', cell: (j) => (j.invalid ? '' : j.id), cut: 'middle', min: 24, rank: 8 },
  { title: 'Waiting', cell: (j) => (j.invalid ? '' : formatAge(nowSeconds - j.enqueuedAt)), align: 'right', rank: 7 },
  { title: 'Fails', cell: (j) => String(j.fails ?? 0), align: 'right', rank: 4 },
  { title: 'Args', cell: (j) => (j.invalid ? (j.invalid ?? '') : (JSON.stringify(j.args) ?? 'null')), min: 12, rank: 5, color: (j) => (j.invalid ? 'red' : undefined) },
];

/** The columns with the one the list is sorted by marked ↓ or ↑. */
export function marked<Row>(columns: readonly Column<Row>[], state: TopState): Column<Row>[] {
  const key = currentSort(state);
  return columns.map((c) => ({ ...c, title: markSorted(c.title, key) }));
}

export function QueuesView(props: ViewProps): React.ReactElement {
  const { state, width, height, color } = props;
  if (state.queueJobs) return <QueueJobsView {...props} />;
  return (
    <Table
      columns={marked(queueColumns, state)}
      rows={listedQueues(state)}
      selected={state.selected.queues}
      width={width}
      height={height}
      color={color}
      empty={state.filter ? 'no queue matches the filter' : 'no queues (known_jobs is empty)'}
    />
  );
}

/** One queue's jobs, next to be taken first, paged. */
function QueueJobsView({ state, nowSeconds, width, height, color }: ViewProps): React.ReactElement {
  const opened = state.queueJobs!;
  const loaded = state.snapshot?.queuePage?.jobName === opened.jobName ? state.snapshot.queuePage : undefined;
  const total = loaded?.result.count ?? 0;
  const queue = state.snapshot?.queues.find((q) => q.jobName === opened.jobName);
  const about = `: ${total} waiting${queue?.paused ? ' (paused)' : ''} · next to be taken first · page ${opened.page} of ${pageCount(total)} · Esc back`;
  // The name gives way first, cut in the middle, so the count stays in view.
  const title = truncate(oneLine(opened.jobName, width), Math.max(12, width - textWidth(about)), 'middle') + about;
  return (
    <Box flexDirection="column">
      <Text bold>{fit(title, width)}</Text>
      <Table
        columns={queuedColumns(nowSeconds)}
        rows={listedQueueJobs(state)}
        selected={opened.selected}
        width={width}
        height={height - 1}
        color={color}
        empty={loaded ? 'the queue is empty' : 'loading…'}
      />
    </Box>
  );
}

export function PoolsView({ state, nowSeconds, width, height, color }: ViewProps): React.ReactElement {
  return (
    <Table
      columns={marked(poolColumns, state)}
      rows={listedPools(state, nowSeconds)}
      selected={state.selected.pools}
      width={width}
      height={height}
      color={color}
      empty="no worker pools are heartbeating"
    />
  );
}

export function WorkersView({ state, nowSeconds, width, height, color }: ViewProps): React.ReactElement {
  return (
    <Table
      columns={marked(workerColumns, state)}
      rows={listedWorkers(state, nowSeconds)}
      selected={state.selected.workers}
      width={width}
      height={height}
      color={color}
      empty="no busy workers (jobs shorter than a second rarely show)"
    />
  );
}
