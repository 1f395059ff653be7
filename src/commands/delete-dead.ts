import { deadRepairCommand } from './dead-repair.js';

export const command = deadRepairCommand(
  {
    name: 'delete-dead',
    verb: 'delete',
    past: 'deleted',
    one: (client, id) => client.deleteDeadJob(id),
    all: async (client, ctx, query, onProgress) => {
      const r = await client.deleteAllDeadJobs({ ...query, signal: ctx.signal, onProgress: (p) => onProgress(p.done, p.total) });
      return { done: r.deleted, total: r.total, left: r.left, changed: r.changed, aborted: r.aborted };
    },
  },
  'Deletes dead jobs for good. Without --job, --error-match or --match, --all\ndrops the whole dead set at once (UNLINK, freed in the background). With\n--error-match or --match it deletes the dead jobs a search finds, in batches.',
);
