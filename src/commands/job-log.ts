// One line per job outcome for `work worker`: text for people, JSON lines with --json.
import type { WorkerPool } from '../engine/pool/worker-pool.js';
import { inert } from '../support/inert.js';
import type { CommandContext } from './command.js';

export interface WorkerLog {
  /** A record for --json, the text otherwise; on stdout beside the job lines. */
  line(record: Record<string, unknown>, text: string): void;
  notice(message: string): void;
}

/** Job outcomes only: the pool's 'error' events are worker-outages.ts's to report. */
export function jobLogger(ctx: CommandContext, pool: WorkerPool): WorkerLog {
  const json = ctx.global.json;
  const line = (record: Record<string, unknown>, text: string) => {
    if (json) ctx.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...record })}\n`);
    // Names, ids and errors come from Redis and handlers: shown, never acted on by the terminal.
    else ctx.stdout.write(`${new Date().toISOString()} ${inert(text)}\n`);
  };
  pool.on('job:completed', ({ job, durationMs }) =>
    line({ event: 'completed', jobName: job.name, jobId: job.id, durationMs }, `ok      ${job.name} ${job.id} ${durationMs}ms`),
  );
  pool.on('job:failed', ({ job, error, fate, durationMs }) =>
    line(
      { event: 'failed', jobName: job.name, jobId: job.id, error, fate, fails: job.fails + 1, durationMs },
      `failed  ${job.name} ${job.id} (${fate}, attempt ${job.fails + 1}): ${error}`,
    ),
  );
  pool.on('job:invalid', ({ queue, error }) =>
    line({ event: 'invalid', jobName: queue, error }, `invalid entry in queue ${queue} moved to dead: ${error}`),
  );
  pool.on('pool:reaped', ({ deadPoolId, requeued }) =>
    line({ event: 'reaped', deadPoolId, requeued }, `reaped dead pool ${deadPoolId}: ${requeued} job(s) requeued`),
  );
  return {
    line,
    notice: (message) => ctx.stderr.write(`${message}\n`),
  };
}
