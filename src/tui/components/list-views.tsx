// Queues, pools and workers: each a table over its view-model rows. The
// column lists are shared with the overview, which shows fewer rows of each.
import React from 'react';
import type { TopState } from '../state/types.js';
import { formatAge, formatRate, poolRows, queueRows, workerRows, type PoolRow, type QueueRow, type WorkerRow } from '../state/view-model.js';
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

export function QueuesView({ state, width, height, color }: ViewProps): React.ReactElement {
  return (
    <Table
      columns={queueColumns}
      rows={queueRows(state.snapshot, state.history, state.filter)}
      selected={state.selected.queues}
      width={width}
      height={height}
      color={color}
      empty={state.filter ? 'no queue matches the filter' : 'no queues (known_jobs is empty)'}
    />
  );
}

export function PoolsView({ state, nowSeconds, width, height, color }: ViewProps): React.ReactElement {
  return (
    <Table
      columns={poolColumns}
      rows={poolRows(state.snapshot, state.filter, nowSeconds)}
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
      columns={workerColumns}
      rows={workerRows(state.snapshot, state.filter, nowSeconds)}
      selected={state.selected.workers}
      width={width}
      height={height}
      color={color}
      empty="no busy workers (jobs shorter than a second rarely show)"
    />
  );
}
