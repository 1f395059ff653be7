import { formatAge } from '../support/format.js';
import type { QueueInfo } from '../engine/client/client.js';
import { notice, writeJson, writeTable, type ColumnSpec } from './output.js';
import { withClient } from './with-client.js';
import { validateJobName } from '../engine/codec/validation.js';
import type { Command, CommandContext } from './command.js';
import { EXIT, UsageError } from './exit-codes.js';
import { confirmTyped } from './confirm.js';

const COLUMNS: ColumnSpec<QueueInfo>[] = [
  { title: 'Queue', cell: (q) => q.jobName, cut: 'middle', min: 12, rank: 9 },
  { title: 'Queued', cell: (q) => String(q.count), align: 'right', rank: 8 },
  { title: 'Running', cell: (q) => String(q.running), align: 'right', rank: 5 },
  { title: 'Latency', cell: (q) => (q.invalidOldest ? 'invalid job' : formatAge(q.latency)), align: 'right', rank: 7 },
  { title: 'Paused', cell: (q) => (q.paused ? 'yes' : ''), rank: 6 },
  { title: 'Max conc.', cell: (q) => (q.maxConcurrency > 0 ? String(q.maxConcurrency) : ''), align: 'right', rank: 4 },
];

export const command: Command = {
  usage: 'work queues [--json] | work queues purge NAME [--yes] [--json]',
  details: [
    '`work queues purge NAME` empties one queue at once (its jobs are deleted for good, their',
    'uniqueness markers released). It asks for the queue name on a terminal; --yes skips that.',
  ].join('\n'),
  flags: {
    yes: { type: 'boolean', description: 'purge without asking (for scripts)' },
  },
  examples: ['work queues', 'work queues --json | jq ".[] | select(.count > 1000)"', 'work queues purge flaky_webhook'],
  async run(ctx) {
    const [sub, ...rest] = ctx.input;
    if (sub === 'purge') return purge(ctx, rest);
    if (sub !== undefined) throw new UsageError(`unknown subcommand "${sub}" (work queues, or work queues purge NAME)`);
    const queues = await withClient(ctx, (client) => client.queues());
    if (ctx.global.json) return writeJson(ctx.stdout, queues);
    if (queues.length === 0) {
      ctx.stderr.write(notice(`no queues in namespace "${ctx.global.namespace}"`));
      return;
    }
    writeTable(ctx.stdout, COLUMNS, queues);
  },
};

async function purge(ctx: CommandContext, names: string[]): Promise<number> {
  const [name, ...extra] = names;
  if (!name) throw new UsageError('give the queue (job name) to purge');
  if (extra.length > 0) throw new UsageError(`purge one queue at a time; unexpected: ${extra.join(' ')}`);
  validateJobName(name);
  return withClient(ctx, async (client) => {
    const queue = (await client.queues()).find((q) => q.jobName === name);
    const count = queue?.count ?? 0;
    if (!ctx.flags.yes) {
      await confirmTyped(ctx, `This deletes the ${count} job(s) queued in "${name}" for good.`, name);
    }
    const { purged, markersReleased } = await client.purgeQueue(name);
    if (ctx.global.json) writeJson(ctx.stdout, { jobName: name, purged, markersReleased });
    else ctx.stdout.write(notice(`purged ${purged} job(s) from ${name}${markersReleased > 0 ? `; released ${markersReleased} uniqueness marker(s)` : ''}`));
    return EXIT.ok;
  });
}
