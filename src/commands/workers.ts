import type { WorkerObservation } from '../engine/client/client.js';
import { formatAge } from '../support/format.js';
import type { Command } from './command.js';
import { notice, writeJson, writeTable, type ColumnSpec } from './output.js';
import { withClient } from './with-client.js';

function columns(now: number): ColumnSpec<WorkerObservation>[] {
  return [
    { title: 'Worker', cell: (o) => o.workerId, cut: 'middle', min: 10, rank: 3 },
    { title: 'Job', cell: (o) => o.jobName, cut: 'middle', min: 12, rank: 9 },
    { title: 'ID', cell: (o) => o.jobId, cut: 'middle', min: 12, rank: 6 },
    { title: 'Args', cell: (o) => o.argsJson, min: 10, max: 40, rank: 2, extra: true },
    { title: 'Running', cell: (o) => formatAge(now - o.startedAt), align: 'right', rank: 8 },
    { title: 'Check-in', cell: (o) => o.checkin, min: 12, max: 40, rank: 7 },
    { title: 'Age', cell: (o) => (o.checkinAt ? formatAge(now - o.checkinAt) : ''), align: 'right', rank: 5 },
  ];
}

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
      ctx.stderr.write(notice(`no busy workers in namespace "${ctx.global.namespace}" (${observations.length} idle)`));
      return;
    }
    // Run times from this host's clock: started_at is the worker host's.
    writeTable(ctx.stdout, columns(Math.floor(Date.now() / 1000)), busy);
  },
};
