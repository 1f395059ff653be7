// Retry, Scheduled and Dead share one paged table and one job detail.
import { Box, Text } from 'ink';
import React from 'react';
import type { JobEntry } from '../../engine/client.js';
import type { SetView, TopState } from '../state/types.js';
import { formatAge, jobRows, pageCount } from '../state/view-model.js';
import { Table, type Column } from './table.js';

const WHEN: Record<SetView, string> = { retry: 'Retry in', scheduled: 'Runs in', dead: 'Died' };

function columns(set: SetView, nowSeconds: number): Column<JobEntry>[] {
  return [
    { title: 'Job', width: { flex: 1 }, cell: (j) => (j.invalid ? '(invalid)' : j.name), color: (j) => (j.invalid ? 'red' : undefined) },
    { title: 'ID', width: 24, cell: (j) => (j.invalid ? '' : j.id) },
    {
      title: WHEN[set],
      width: 8,
      align: 'right',
      cell: (j) => (set === 'dead' ? `${formatAge(nowSeconds - j.score)} ago` : formatAge(j.score - nowSeconds)),
    },
    { title: 'Fails', width: 5, align: 'right', cell: (j) => String(j.fails ?? 0) },
    { title: 'Error', width: { flex: 2 }, cell: (j) => j.invalid ?? j.lastError ?? '' },
  ];
}

interface Props {
  state: TopState;
  set: SetView;
  nowSeconds: number;
  width: number;
  height: number;
  color: boolean;
}

export function JobSetView({ state, set, nowSeconds, width, height, color }: Props): React.ReactElement {
  const total = state.snapshot?.counts[set] ?? 0;
  const page = state.pages[set];
  return (
    <Box flexDirection="column">
      <Table
        columns={columns(set, nowSeconds)}
        rows={jobRows(state.snapshot, set, state.filter)}
        selected={state.selected[set]}
        width={width}
        height={height - 1}
        color={color}
        empty={state.snapshot?.page?.set === set ? `no ${set} jobs${state.filter ? ' match the filter on this page' : ''}` : 'loading…'}
      />
      <Text dimColor>{`page ${page} of ${pageCount(total)} · ${total} ${set} jobs · ←/→ pages`}</Text>
    </Box>
  );
}

export function JobDetail({ job, set, nowSeconds }: { job: JobEntry; set: SetView; nowSeconds: number }): React.ReactElement {
  const line = (label: string, value: string) => (
    <Text wrap="wrap">
      <Text bold>{label.padEnd(12)}</Text>
      {value}
    </Text>
  );
  if (job.invalid) {
    return (
      <Box flexDirection="column">
        {line('Invalid', job.invalid)}
        {line('Raw', job.raw)}
      </Box>
    );
  }
  return (
    <Box flexDirection="column">
      {line('Job', `${job.name} (${set})`)}
      {line('ID', job.id)}
      {line(set === 'dead' ? 'Died' : set === 'retry' ? 'Retry at' : 'Runs at', `${new Date(job.score * 1000).toISOString()} (${set === 'dead' ? `${formatAge(nowSeconds - job.score)} ago` : `in ${formatAge(job.score - nowSeconds)}`})`)}
      {line('Enqueued', new Date(job.enqueuedAt * 1000).toISOString())}
      {line('Fails', String(job.fails))}
      {job.failedAt ? line('Failed at', new Date(job.failedAt * 1000).toISOString()) : null}
      {line('Last error', job.lastError ?? '')}
      {line('Args', JSON.stringify(job.args, null, 2) ?? 'null')}
      <Text dimColor>Esc back{set === 'dead' ? ' · r retry' : ''} · d delete</Text>
    </Box>
  );
}
