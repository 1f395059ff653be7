// The first screen answers "what is wrong right now": the counts that matter
// in one or two lines, then the most delayed queues, the pools by heartbeat
// age and the longest-running workers, as many of each as the screen holds.
import { Box, Text } from 'ink';
import React from 'react';
import { oneLine } from '../../support/columns.js';
import { fit, textWidth, truncate } from '../../support/fit.js';
import { inert } from '../../support/inert.js';
import { flow, overviewPlan, type SectionPlan } from '../state/layout.js';
import {
  formatAge,
  formatRate,
  overviewModel,
  poolRows,
  poolsByTrouble,
  queueRows,
  queuesByTrouble,
  workerRows,
  workersByAge,
  type OverviewModel,
  type PoolRow,
} from '../state/view-model.js';
import { poolColumns, queueColumns, workerColumns, type ViewProps } from './list-views.js';
import { Table, type Column } from './table.js';

interface Chip {
  text: string;
  tint?: string;
}

const CHIP_GAP = 3;

/** The counts, most telling first; the Redis line only when the screen has room for it. */
function chips(m: OverviewModel, roomy: boolean): Chip[] {
  const list: Chip[] = [
    { text: `Dead ${m.dead}`, ...(m.dead > 0 ? { tint: 'red' } : {}) },
    { text: `Retry ${m.retry}`, ...(m.retry > 0 ? { tint: 'yellow' } : {}) },
    { text: `Scheduled ${m.scheduled}` },
    { text: `Queued ${m.queued}` },
    { text: poolsChip(m), ...(m.stalePools > 0 ? { tint: 'red' } : {}) },
    { text: `Workers ${m.busyWorkers}/${m.totalWorkers} busy` },
    { text: `Processed ${formatRate(m.processedPerSecond)}` },
    { text: `Failed ${formatRate(m.failedPerSecond)}`, ...(m.failedPerSecond > 0 ? { tint: 'red' } : {}) },
  ];
  if (m.server && roomy) list.push({ text: `Redis ${inert(m.server.version)} · ${inert(m.server.usedMemory)} · ${m.server.connectedClients} clients` });
  return list;
}

function poolsChip(m: OverviewModel): string {
  const stale = m.stalePools - m.deadPools;
  return `Pools ${m.livePools} live${stale > 0 ? `, ${stale} stale` : ''}${m.deadPools > 0 ? `, ${m.deadPools} dead` : ''}`;
}

/** The summary as lines of chips, for a width and height. */
export function summaryLines(m: OverviewModel, width: number, height: number): Chip[][] {
  const all = chips(m, height >= 16);
  return flow(
    all.map((c) => textWidth(c.text)),
    width,
    CHIP_GAP,
  ).map((line) => line.map((i) => all[i]!));
}

/** The first of these that fits the width, else the last one cut. */
function firstFitting(candidates: string[], width: number): string {
  return fit(candidates.find((c) => textWidth(c) <= width) ?? candidates[candidates.length - 1]!, width);
}

/** "Queues (5 of 12): busiest a (1200), most delayed b (5m12s)", as much of it as fits. */
function queuesTitle(m: OverviewModel, shown: number, total: number, width: number): string {
  if (total === 0) return fit('Queues: none known', width);
  const head = `Queues${more(shown, total)}`;
  const { busiest, mostDelayed } = m;
  if (!busiest && !mostDelayed) return firstFitting([`${head}: none waiting`, head], width);
  const candidates: string[] = [];
  if (busiest && mostDelayed && busiest.jobName === mostDelayed.jobName) {
    candidates.push(`${head}: busiest and most delayed ${name(busiest.jobName)} (${busiest.count}, ${formatAge(busiest.latency)})`);
  } else {
    const parts = [busiest ? `busiest ${name(busiest.jobName)} (${busiest.count})` : '', mostDelayed ? `most delayed ${name(mostDelayed.jobName)} (${formatAge(mostDelayed.latency)})` : ''].filter(Boolean);
    candidates.push(`${head}: ${parts.join(', ')}`, `${head}: ${parts[0]}`);
  }
  if (busiest) candidates.push(`${head}: busiest ${name(busiest.jobName)}`);
  candidates.push(head);
  return firstFitting(candidates, width);
}

// The overview's tables: the columns of the full views that say most; the
// extra ones (throughput, uptime, args) show only where the width allows.
const overviewQueueColumns = queueColumns.filter((c) => !['Prio', 'Max'].includes(c.title));
const overviewWorkerColumns = workerColumns.filter((c) => ['Job', 'ID', 'Running', 'Check-in', 'Age', 'Args'].includes(c.title));

function overviewPoolColumns(busy: Map<string, number>): Column<PoolRow>[] {
  const pick = (title: string) => poolColumns.find((c) => c.title === title)!;
  return [
    pick('Pool'),
    pick('Host'),
    { title: 'Workers', cell: (p) => `${busy.get(p.poolId) ?? 0}/${p.workerIds.length} busy`, align: 'right', rank: 6 },
    pick('Beat'),
    pick('State'),
    pick('Up'),
    pick('Jobs'),
  ];
}

export function Overview({ state, nowSeconds, width, height, color }: ViewProps): React.ReactElement {
  if (!state.snapshot) return <Text dimColor>waiting for the first refresh…</Text>;
  const snapshot = state.snapshot;
  const m = overviewModel(snapshot, state.history, nowSeconds);
  const summary = summaryLines(m, width, height);
  // Room allowing, a throughput line and a blank line under the summary.
  const spark = height >= 30 && m.sparkline.length > 0;
  const top = summary.length + (spark ? 1 : 0) + (height >= 20 ? 1 : 0);
  const queues = queuesByTrouble(queueRows(snapshot, state.history, ''));
  const pools = poolsByTrouble(poolRows(snapshot, '', nowSeconds));
  const workers = workersByAge(workerRows(snapshot, '', nowSeconds));
  const plan = overviewPlan(width, Math.max(0, height - top), { queues: queues.length, pools: pools.length, workers: workers.length });
  const busy = new Map<string, number>();
  for (const o of snapshot.observations) if (o.isBusy) busy.set(o.poolId, (busy.get(o.poolId) ?? 0) + 1);

  const section = (s: SectionPlan, i: number, all: SectionPlan[]) => {
    const w = plan.columnWidth;
    const spaced = i < all.length - 1 && plan.spacing > 0;
    let title: string;
    let table: React.ReactElement | null = null;
    if (s.name === 'queues') {
      title = queuesTitle(m, s.rows, queues.length, w);
      if (queues.length > 0) table = <Table columns={overviewQueueColumns} rows={queues.slice(0, s.rows)} width={w} height={s.rows + 1} color={color} empty="" />;
    } else if (s.name === 'pools') {
      title = pools.length === 0 ? 'Pools: none heartbeating' : `Pools${more(s.rows, pools.length)}: stale first, then oldest heartbeat`;
      if (pools.length > 0) table = <Table columns={overviewPoolColumns(busy)} rows={pools.slice(0, s.rows)} width={w} height={s.rows + 1} color={color} empty="" />;
    } else {
      title = workers.length === 0 ? 'Busy workers: none' : `Busy workers${more(s.rows, workers.length)}: longest running first`;
      if (workers.length > 0) table = <Table columns={overviewWorkerColumns} rows={workers.slice(0, s.rows)} width={w} height={s.rows + 1} color={color} empty="" />;
    }
    return (
      <Box key={s.name} flexDirection="column" marginBottom={spaced ? plan.spacing : 0}>
        <Text bold>{fit(title, w)}</Text>
        {table}
      </Box>
    );
  };

  const column = (index: 0 | 1) => {
    const list = plan.sections.filter((s) => s.column === index);
    return (
      <Box flexDirection="column" width={plan.columnWidth} key={index}>
        {list.map(section)}
      </Box>
    );
  };

  return (
    <Box flexDirection="column">
      {summary.map((line, i) => (
        <Text key={i}>
          {line.map((chip, k) => (
            <Text key={k} bold {...(color && chip.tint ? { color: chip.tint } : {})}>
              {k === 0 ? chip.text : ' '.repeat(CHIP_GAP) + chip.text}
            </Text>
          ))}
        </Text>
      ))}
      {spark ? <Text dimColor>{fit(`Processed per refresh  ${m.sparkline}  (${m.processedTotal} total, ${m.failedTotal} failed)`, width)}</Text> : null}
      {height >= 20 ? <Text> </Text> : null}
      {plan.columns === 2 ? (
        <Box flexDirection="row" gap={3}>
          {column(0)}
          {column(1)}
        </Box>
      ) : (
        column(0)
      )}
    </Box>
  );
}

/** A queue name in a sentence: inert, and cut in the middle past 24 columns. */
function name(raw: string): string {
  return truncate(oneLine(raw, 24, 'middle'), 24, 'middle');
}

function more(shown: number, total: number): string {
  return total > shown ? ` (${shown} of ${total})` : '';
}
