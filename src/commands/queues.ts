import { formatAge } from '../support/format.js';
import type { Command } from './command.js';
import { colorEnabled, renderTable, writeJson } from './output.js';
import { withClient } from './with-client.js';

export const command: Command = {
  usage: 'work queues [--json]',
  flags: {},
  examples: ['work queues', 'work queues --json | jq ".[] | select(.count > 1000)"'],
  async run(ctx) {
    const queues = await withClient(ctx, (client) => client.queues());
    if (ctx.global.json) return writeJson(ctx.stdout, queues);
    if (queues.length === 0) {
      ctx.stderr.write(`no queues in namespace "${ctx.global.namespace}"\n`);
      return;
    }
    const rows = queues.map((q) => [
      q.jobName,
      q.count,
      q.running,
      q.invalidOldest ? 'invalid job' : formatAge(q.latency),
      q.paused ? 'yes' : '',
      q.maxConcurrency > 0 ? q.maxConcurrency : '',
    ]);
    ctx.stdout.write(`${renderTable(['Queue', 'Queued', 'Running', 'Latency', 'Paused', 'Max conc.'], rows, colorEnabled(ctx.stdout))}\n`);
  },
};
