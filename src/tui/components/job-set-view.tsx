// Retry, Scheduled and Dead share one paged table; Enter opens a job in full.
import { Box, Text } from 'ink';
import React from 'react';
import type { JobEntry } from '../../engine/client/client.js';
import type { SetView } from '../state/types.js';
import { formatAge, jobRows, pageCount } from '../state/view-model.js';
import type { ViewProps } from './list-views.js';
import { Table, type Column } from './table.js';

const WHEN: Record<SetView, string> = { retry: 'Retry in', scheduled: 'Runs in', dead: 'Died' };

function columns(set: SetView, nowSeconds: number): Column<JobEntry>[] {
  return [
    { title: 'Job', cell: (j) => (j.invalid ? '(invalid)' : j.name), cut: 'middle', min: 12, rank: 9, color: (j) => (j.invalid ? 'red' : undefined) },
    { title: 'ID', cell: (j) => (j.invalid ? '' : j.id), cut: 'middle', min: 24, rank: 8 },
    { title: WHEN[set], cell: (j) => (set === 'dead' ? `${formatAge(nowSeconds - j.score)} ago` : formatAge(j.score - nowSeconds)), align: 'right', rank: 5 },
    { title: 'Fails', cell: (j) => String(j.fails ?? 0), align: 'right', rank: 4 },
    // One line of the error here; Enter shows all of it.
    { title: 'Error', cell: (j) => j.invalid ?? j.lastError ?? '', min: 12, rank: 7 },
  ];
}

interface Props extends ViewProps {
  set: SetView;
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
      <Text dimColor wrap="truncate">{`page ${page} of ${pageCount(total)} · ${total} ${set} jobs · ←/→ pages`}</Text>
    </Box>
  );
}
