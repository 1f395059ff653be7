import { formatAge } from '../support/format.js';
import type { Command } from './command.js';
import { colorEnabled, renderTable, truncate, writeJson } from './output.js';
import { nowSeconds, withClient } from './with-client.js';

export const command: Command = {
  usage: 'work workers [--json]',
  details: 'Only busy workers are listed; check-ins are written at most once a second.',
  flags: {},
  examples: ['work workers', 'work workers --json'],
  async run(ctx) {
    const observations = await withClient(ctx, (client) => client.workerObservations());
    const busy = observations.filter((o) => o.isBusy);
    if (ctx.global.json) return writeJson(ctx.stdout, busy);
    if (busy.length === 0) {
      ctx.stderr.write(`no busy workers in namespace "${ctx.global.namespace}" (${observations.length} idle)\n`);
      return;
    }
    const now = nowSeconds();
    const rows = busy.map((o) => [
      o.workerId,
      o.jobName,
      o.jobId,
      truncate(o.argsJson, 40),
      formatAge(now - o.startedAt),
      truncate(o.checkin, 40),
      o.checkinAt ? formatAge(now - o.checkinAt) : '',
    ]);
    ctx.stdout.write(
      `${renderTable(['Worker', 'Job', 'ID', 'Args', 'Running', 'Check-in', 'Check-in age'], rows, colorEnabled(ctx.stdout))}\n`,
    );
  },
};
