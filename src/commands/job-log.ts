// One line per job outcome for `work worker`: text for people, JSON lines with --json.
import type { WorkerPool } from '../engine/worker-pool.js';
import { errorMessage } from '../engine/errors.js';
import { inert } from '../support/inert.js';
import type { CommandContext } from './command.js';

export function jobLogger(ctx: CommandContext, pool: WorkerPool): { notice(message: string): void } {
  const json = ctx.global.json;
  const line = (record: Record<string, unknown>, text: string) => {
    if (json) ctx.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...record })}\n`);
    // Names, ids and errors come from Redis and handlers: shown, never acted on by the terminal.
    else ctx.stdout.write(`${new Date().toISOString()} ${inert(text)}\n`);
  };
  pool.on('job:completed', ({ job, durationMs }) =>
    line({ event: 'completed', job: job.name, id: job.id, durationMs }, `ok      ${job.name} ${job.id} ${durationMs}ms`),
  );
  pool.on('job:failed', ({ job, error, fate, durationMs }) =>
    line(
      { event: 'failed', job: job.name, id: job.id, error, fate, fails: job.fails + 1, durationMs },
      `failed  ${job.name} ${job.id} (${fate}, attempt ${job.fails + 1}): ${error}`,
    ),
  );
  pool.on('job:invalid', ({ queue, error }) =>
    line({ event: 'invalid', queue, error }, `invalid entry in queue ${queue} moved to dead: ${error}`),
  );
  pool.on('pool:reaped', ({ deadPoolId, requeued }) =>
    line({ event: 'reaped', deadPoolId, requeued }, `reaped dead pool ${deadPoolId}: ${requeued} job(s) requeued`),
  );
  pool.on('error', ({ op, error }) => ctx.stderr.write(`work worker: ${op}: ${inert(errorMessage(error))}\n`));
  return {
    notice: (message) => ctx.stderr.write(`${message}\n`),
  };
}
