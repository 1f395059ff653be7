import { deadRepairCommand } from './dead-repair.js';

export const command = deadRepairCommand(
  {
    name: 'retry-dead',
    verb: 'retry',
    past: 'retried',
    one: (client, id) => client.retryDeadJob(id),
    all: async (client, ctx, query, onProgress) => {
      const r = await client.retryAllDeadJobs({ ...query, signal: ctx.signal, onProgress: (p) => onProgress(p.done, p.total) });
      return { done: r.retried, total: r.total, left: r.left, changed: r.changed, aborted: r.aborted };
    },
  },
  'Moves dead jobs back to the front of their queues with their failure count\ncleared. Each batch is one short Redis call, so Redis stays responsive.',
);
