import { deadRepairCommand } from './dead-repair.js';

export const command = deadRepairCommand(
  {
    name: 'delete-dead',
    verb: 'delete',
    past: 'deleted',
    one: (client, id) => client.deleteDeadJob(id),
    all: async (client, ctx, jobName, onProgress) => {
      const r = await client.deleteAllDeadJobs({ jobName, signal: ctx.signal, onProgress: (p) => onProgress(p.done, p.total) });
      return { done: r.deleted, total: r.total, left: r.left, changed: r.changed, aborted: r.aborted };
    },
  },
  'Deletes dead jobs for good. Without --job, --all drops the whole dead set at\nonce (UNLINK, freed in the background).',
);
