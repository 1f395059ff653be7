// Queues, pools and workers: each a table over its view-model rows.
import React from 'react';
import type { TopState } from '../state/types.js';
import { formatAge, formatRate, poolRows, queueRows, workerRows, type PoolRow, type QueueRow, type WorkerRow } from '../state/view-model.js';
import { Table, type Column } from './table.js';

interface ViewProps {
  state: TopState;
  nowSeconds: number;
  width: number;
  height: number;
  color: boolean;
}

const queueColumns: Column<QueueRow>[] = [
  { title: 'Queue', width: { flex: 2 }, cell: (q) => q.jobName },
  { title: 'Queued', width: 8, align: 'right', cell: (q) => String(q.count) },
  { title: 'Running', width: 7, align: 'right', cell: (q) => String(q.running) },
  { title: 'Latency', width: 8, align: 'right', cell: (q) => (q.invalidOldest ? 'invalid' : formatAge(q.latency)), color: (q) => (q.latency > 60 ? 'yellow' : undefined) },
  { title: 'Paused', width: 6, cell: (q) => (q.paused ? 'paused' : ''), color: (q) => (q.paused ? 'yellow' : undefined) },
  { title: 'Prio', width: 4, align: 'right', cell: (q) => (q.priority > 0 ? String(q.priority) : '') },
  { title: 'Max', width: 4, align: 'right', cell: (q) => (q.maxConcurrency > 0 ? String(q.maxConcurrency) : '') },
  { title: 'Rate', width: 7, align: 'right', cell: (q) => formatRate(q.ratePerSecond) },
  { title: 'Throughput', width: { flex: 1 }, cell: (q) => q.sparkline },
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

const poolColumns: Column<PoolRow>[] = [
  { title: 'Pool', width: 24, cell: (p) => p.poolId },
  { title: 'Host', width: { flex: 1 }, cell: (p) => p.host },
  { title: 'PID', width: 7, align: 'right', cell: (p) => String(p.pid) },
  { title: 'Conc', width: 4, align: 'right', cell: (p) => String(p.concurrency) },
  { title: 'Jobs', width: { flex: 2 }, cell: (p) => p.jobNames.join(',') },
  { title: 'Up', width: 7, align: 'right', cell: (p) => (p.startedAt ? formatAge(p.heartbeatAt - p.startedAt + p.age) : '-') },
  { title: 'Beat', width: 6, align: 'right', cell: (p) => formatAge(p.age), color: (p) => (p.health === 'ok' ? undefined : 'red') },
  { title: 'State', width: 5, cell: (p) => (p.health === 'ok' ? 'ok' : p.health.toUpperCase()), color: (p) => (p.health === 'ok' ? 'green' : 'red') },
];

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

const workerColumns: Column<WorkerRow>[] = [
  { title: 'Job', width: { flex: 1 }, cell: (w) => w.jobName },
  { title: 'ID', width: 24, cell: (w) => w.jobId },
  { title: 'Args', width: { flex: 2 }, cell: (w) => w.argsJson },
  { title: 'Running', width: 7, align: 'right', cell: (w) => formatAge(w.runningFor) },
  { title: 'Check-in', width: { flex: 2 }, cell: (w) => w.checkin },
  { title: 'Age', width: 6, align: 'right', cell: (w) => (w.checkinAge === undefined ? '' : formatAge(w.checkinAge)) },
];

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
