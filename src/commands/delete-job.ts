// `work delete-retry ID...` and `work delete-scheduled ID...`.
import type { Client } from '../engine/client/client.js';
import { NotDeletedError } from '../engine/errors.js';
import type { Command } from './command.js';
import { EXIT, UsageError } from './exit-codes.js';
import { writeJson } from './output.js';
import { withClient } from './with-client.js';

function deleteFrom(set: 'retry' | 'scheduled', remove: (client: Client, id: string) => Promise<void>): Command {
  return {
    usage: `work delete-${set} ID... [--json]`,
    details: set === 'scheduled' ? 'A deleted unique job also releases its uniqueness marker.' : undefined,
    flags: {},
    examples: [`work delete-${set} 7086d66b5c73db9cf1bbdcf2`],
    async run(ctx) {
      if (ctx.input.length === 0) throw new UsageError('give at least one job ID');
      const deleted: string[] = [];
      const notFound: string[] = [];
      await withClient(ctx, async (client) => {
        for (const id of ctx.input) {
          try {
            await remove(client, id);
            deleted.push(id);
          } catch (error) {
            if (error instanceof NotDeletedError) notFound.push(id);
            else throw error;
          }
        }
      });
      if (ctx.global.json) writeJson(ctx.stdout, { deletedIds: deleted, notFound });
      else for (const id of deleted) ctx.stdout.write(`deleted ${id}\n`);
      for (const id of notFound) ctx.stderr.write(`not found in the ${set} set: ${id}\n`);
      return notFound.length > 0 ? EXIT.notFound : EXIT.ok;
    },
  };
}

export const deleteRetry = deleteFrom('retry', (client, id) => client.deleteRetryJob(id));
export const deleteScheduled = deleteFrom('scheduled', (client, id) => client.deleteScheduledJob(id));
