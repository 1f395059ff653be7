import type { PoolHeartbeat } from '../engine/client/client.js';
import { formatAge } from '../support/format.js';
import type { Command } from './command.js';
import { formatTime, notice, writeJson, writeTable, type ColumnSpec } from './output.js';
import { withClient } from './with-client.js';

/** A pool whose heartbeat is older than this is reported stale (work's reaper calls it dead at 15 s). */
export const STALE_AFTER_SECONDS = 15;

type PoolRow = PoolHeartbeat & { ageSeconds: number; stale: boolean };

const COLUMNS: ColumnSpec<PoolRow>[] = [
  { title: 'Pool', cell: (p) => p.poolId, cut: 'middle', min: 12, rank: 9 },
  { title: 'Host', cell: (p) => p.host, cut: 'middle', min: 10, rank: 7 },
  { title: 'PID', cell: (p) => String(p.pid), align: 'right', rank: 4 },
  { title: 'Conc.', cell: (p) => String(p.concurrency), align: 'right', rank: 3 },
  { title: 'Jobs', cell: (p) => p.jobNames.join(', '), min: 10, max: 60, rank: 2, extra: true },
  { title: 'Started', cell: (p) => formatTime(p.startedAt), rank: 1, extra: true },
  { title: 'Heartbeat', cell: (p) => formatAge(p.ageSeconds), align: 'right', rank: 8 },
  { title: 'Status', cell: (p) => (p.invalid ? `invalid: ${p.invalid}` : p.stale ? 'STALE' : 'ok'), min: 6, rank: 8 },
];

export const command: Command = {
  usage: 'work pools [--json]',
  flags: {},
  examples: ['work pools', 'work pools --json'],
  async run(ctx) {
    // Ages on Redis's clock, the one work pools stamp their heartbeats with.
    const [pools, now] = await withClient(ctx, (client) => Promise.all([client.workerPoolHeartbeats(), client.serverTime()]));
    const rows = pools.map((p) => ({ ...p, ageSeconds: Math.max(0, now - p.heartbeatAt), stale: now - p.heartbeatAt > STALE_AFTER_SECONDS }));
    if (ctx.global.json) return writeJson(ctx.stdout, rows);
    if (rows.length === 0) {
      ctx.stderr.write(notice(`no worker pools in namespace "${ctx.global.namespace}"`));
      return;
    }
    writeTable(ctx.stdout, COLUMNS, rows);
  },
};
