import { formatAge } from '../support/format.js';
import type { Command } from './command.js';
import type { QueueInfo } from '../engine/client.js';
import { notice, writeJson, writeTable, type ColumnSpec } from './output.js';
import { withClient } from './with-client.js';

const COLUMNS: ColumnSpec<QueueInfo>[] = [
  { title: 'Queue', cell: (q) => q.jobName, cut: 'middle', min: 12, rank: 9 },
  { title: 'Queued', cell: (q) => String(q.count), align: 'right', rank: 8 },
  { title: 'Running', cell: (q) => String(q.running), align: 'right', rank: 5 },
  { title: 'Latency', cell: (q) => (q.invalidOldest ? 'invalid job' : formatAge(q.latency)), align: 'right', rank: 7 },
  { title: 'Paused', cell: (q) => (q.paused ? 'yes' : ''), rank: 6 },
  { title: 'Max conc.', cell: (q) => (q.maxConcurrency > 0 ? String(q.maxConcurrency) : ''), align: 'right', rank: 4 },
];

export const command: Command = {
  usage: 'work queues [--json]',
  flags: {},
  examples: ['work queues', 'work queues --json | jq ".[] | select(.count > 1000)"'],
  async run(ctx) {
    const queues = await withClient(ctx, (client) => client.queues());
    if (ctx.global.json) return writeJson(ctx.stdout, queues);
    if (queues.length === 0) {
      ctx.stderr.write(notice(`no queues in namespace "${ctx.global.namespace}"`));
      return;
    }
    writeTable(ctx.stdout, COLUMNS, queues);
  },
};
