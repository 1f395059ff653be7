// Retry, Scheduled and Dead share one table: a page of the set, or the
// matches of a search of the whole set with how far it got. Enter opens a job.
import { Box, Text } from 'ink';
import React from 'react';
import type { JobEntry } from '../../engine/client/client.js';
import { oneLine } from '../../support/columns.js';
import { fit } from '../../support/fit.js';
import { describeQuery } from '../state/query.js';
import { listedJobs } from '../state/rows.js';
import { searchLine, searchOf } from '../state/search.js';
import type { SetView } from '../state/types.js';
import { formatAge, pageCount } from '../state/view-model.js';
import { marked, type ViewProps } from './list-views.js';
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
  const search = searchOf(state, set);
  const rows = listedJobs(state, set);
  let empty: string;
  let bottom: string;
  if (search) {
    empty = search.status === 'running' ? 'searching…' : `no ${set} jobs match`;
    bottom = `/${describeQuery(search.query)}: ${searchLine(search)}`;
  } else {
    empty = state.snapshot?.page?.set === set ? `no ${set} jobs` : 'loading…';
    bottom = `page ${state.pages[set]} of ${pageCount(total)} · ${total} ${set} jobs · ←/→ pages · / searches all`;
  }
  return (
    <Box flexDirection="column">
      <Table columns={marked(columns(set, nowSeconds), state)} rows={rows} selected={state.selected[set]} width={width} height={height - 1} color={color} empty={empty} />
      <Text dimColor {...(color && search?.status === 'failed' ? { color: 'red' } : {})}>
        {fit(oneLine(bottom, width), width)}
      </Text>
    </Box>
  );
}
