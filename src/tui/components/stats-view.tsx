// Per job type: runs and failures per minute, run-time percentiles and queue
// wait, with sparklines of the last hour; the first line says where the
// numbers come from (what this console saw, or durable counters).
import { Box, Text } from 'ink';
import React from 'react';
import { fit, wrap } from '../../support/fit.js';
import { listedStats, statsSourceOf } from '../state/rows.js';
import { sourceLabel, type StatsRow } from '../state/stats.js';
import { bars, formatAge, squeeze } from '../state/view-model.js';
import { marked, type ViewProps } from './list-views.js';
import { Table, type Column } from './table.js';

/** Columns of a last-hour sparkline: 5 minutes a bar. */
const SPARK = 12;

export function formatMs(ms: number | undefined): string {
  if (ms === undefined) return '-';
  if (ms < 1) return '<1ms';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;
  return formatAge(ms / 1000);
}

const perMinute = (n: number) => (n === 0 ? '0' : n >= 100 ? n.toFixed(0) : n.toFixed(1));

const statsColumns: Column<StatsRow>[] = [
  { title: 'Job', cell: (r) => r.jobName, cut: 'middle', min: 12, rank: 9 },
  { title: 'Done/min', cell: (r) => perMinute(r.donePerMinute), align: 'right', rank: 8 },
  { title: 'Fail/min', cell: (r) => perMinute(r.failedPerMinute), align: 'right', rank: 7, color: (r) => (r.failed > 0 ? 'red' : undefined) },
  { title: 'p50', cell: (r) => formatMs(r.runMs.p50), align: 'right', rank: 4 },
  { title: 'p95', cell: (r) => formatMs(r.runMs.p95), align: 'right', rank: 3 },
  { title: 'p99', cell: (r) => formatMs(r.runMs.p99), align: 'right', rank: 5 },
  { title: 'Wait', cell: (r) => (r.latencySeconds.p95 === undefined ? '-' : formatAge(r.latencySeconds.p95)), align: 'right', rank: 5, color: (r) => ((r.latencySeconds.p95 ?? 0) > 60 ? 'yellow' : undefined) },
  // The last hour at a glance: kept before the finer percentiles on a narrow screen.
  { title: 'Done (1h)', cell: (r) => bars(squeeze(r.doneSeries, SPARK)), rank: 6 },
  { title: 'Failed (1h)', cell: (r) => bars(squeeze(r.failedSeries, SPARK)), rank: 2, extra: true, color: (r) => (r.failed > 0 ? 'red' : undefined) },
];

export function StatsView({ state, width, height, color }: ViewProps): React.ReactElement {
  const nowMs = state.snapshot?.at ?? 0;
  const source = statsSourceOf(state, nowMs);
  const rows = listedStats(state, nowMs);
  // Where the numbers come from matters more than the table's last row: up to two lines of it.
  const about = wrap(`Per job type, ${sourceLabel(source, nowMs, formatAge)}. Run time p50/p95/p99; Wait: p95 of the queue's wait.`, width).slice(0, height > 8 ? 2 : 1);
  return (
    <Box flexDirection="column">
      {about.map((line, i) => (
        <Text key={i} dimColor>
          {fit(line, width)}
        </Text>
      ))}
      <Table
        columns={marked(statsColumns, state)}
        rows={rows}
        selected={state.selected.stats}
        width={width}
        height={height - about.length}
        color={color}
        empty={state.snapshot ? (state.filter ? 'no job type matches the filter' : 'nothing seen yet: counts start with the second refresh') : 'loading…'}
      />
    </Box>
  );
}
