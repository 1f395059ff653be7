// `work pause QUEUE...` and `work unpause QUEUE...`.
import type { Client } from '../engine/client/client.js';
import { validateJobName } from '../engine/codec/validation.js';
import type { Command } from './command.js';
import { UsageError } from './exit-codes.js';
import { writeJson } from './output.js';
import { withClient } from './with-client.js';

function toggle(pause: boolean): Command {
  const verb = pause ? 'pause' : 'unpause';
  return {
    usage: `work ${verb} QUEUE... [--json]`,
    details: pause
      ? 'Queued jobs wait; running jobs finish; enqueueing still works. gocraft pools honour it too.'
      : 'Idle pools are woken at once.',
    flags: {},
    examples: [`work ${verb} send_email`, `work ${verb} send_email resize_image`],
    async run(ctx) {
      if (ctx.input.length === 0) throw new UsageError('give at least one queue (job name)');
      for (const name of ctx.input) validateJobName(name);
      await withClient(ctx, async (client: Client) => {
        const known = new Set((await client.queues()).map((q) => q.jobName));
        for (const name of ctx.input) {
          if (!known.has(name)) ctx.stderr.write(`note: no job named "${name}" is known in namespace "${ctx.global.namespace}"\n`);
          await (pause ? client.pauseQueue(name) : client.unpauseQueue(name));
        }
      });
      if (ctx.global.json) writeJson(ctx.stdout, { jobNames: ctx.input, paused: pause });
      else for (const name of ctx.input) ctx.stdout.write(`${pause ? 'paused' : 'unpaused'} ${name}\n`);
    },
  };
}

export const pause = toggle(true);
export const unpause = toggle(false);
