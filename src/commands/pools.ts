import { formatAge } from '../support/format.js';
import type { Command } from './command.js';
import { colorEnabled, formatTime, renderTable, writeJson } from './output.js';
import { nowSeconds, withClient } from './with-client.js';

/** A pool whose heartbeat is older than this is reported stale (work's reaper calls it dead at 15 s). */
export const STALE_AFTER_SECONDS = 15;

export const command: Command = {
  usage: 'work pools [--json]',
  flags: {},
  examples: ['work pools', 'work pools --json'],
  async run(ctx) {
    const pools = await withClient(ctx, (client) => client.workerPoolHeartbeats());
    const now = nowSeconds();
    const rows = pools.map((p) => ({ ...p, ageSeconds: Math.max(0, now - p.heartbeatAt), stale: now - p.heartbeatAt > STALE_AFTER_SECONDS }));
    if (ctx.global.json) return writeJson(ctx.stdout, rows);
    if (rows.length === 0) {
      ctx.stderr.write(`no worker pools in namespace "${ctx.global.namespace}"\n`);
      return;
    }
    const table = rows.map((p) => [
      p.poolId,
      p.host,
      p.pid,
      p.concurrency,
      p.jobNames.join(', '),
      formatTime(p.startedAt),
      formatAge(p.ageSeconds),
      p.invalid ? `invalid: ${p.invalid}` : p.stale ? 'STALE' : 'ok',
    ]);
    ctx.stdout.write(
      `${renderTable(['Pool', 'Host', 'PID', 'Conc.', 'Jobs', 'Started', 'Heartbeat', 'Status'], table, colorEnabled(ctx.stdout))}\n`,
    );
  },
};
