// `work job ID`: one job wherever it is (queued, in progress, scheduled,
// retry or dead), with its full args and error.
import type { LocatedJob } from '../engine/client/client.js';
import type { Command } from './command.js';
import { EXIT, UsageError } from './exit-codes.js';
import { formatTime, notice, writeJson } from './output.js';
import { inert } from '../support/inert.js';
import { withClient } from './with-client.js';

function place(found: LocatedJob): string {
  switch (found.where) {
    case 'queued':
      return `queued in ${found.jobName}, ${found.ahead} job(s) ahead of it`;
    case 'in-progress':
      return `running (in progress) in pool ${found.poolId}`;
    case 'scheduled':
      return `scheduled, runs at ${formatTime(found.score)}`;
    case 'retry':
      return `waiting to be retried at ${formatTime(found.score)}`;
    case 'dead':
      return `dead since ${formatTime(found.score)}`;
  }
}

/** The job as labelled lines; every value from Redis made inert, args pretty-printed, the error in full. */
export function describeJob(found: LocatedJob): string {
  const { job } = found;
  const lines: Array<[string, string]> = [
    ['where', place(found)],
    ['name', job.name],
    ['id', job.id],
    ['enqueued', formatTime(job.enqueuedAt)],
  ];
  if (job.unique) lines.push(['unique', job.uniqueKey ?? 'by args']);
  if (job.fails > 0) lines.push(['fails', String(job.fails)]);
  if (job.failedAt) lines.push(['failed at', formatTime(job.failedAt)]);
  const width = Math.max(...lines.map(([label]) => label.length), 'error'.length);
  const out = lines.map(([label, value]) => `${label.padEnd(width)}  ${inert(value)}`);
  if (job.lastError) out.push(`${'error'.padEnd(width)}  ${inert(job.lastError, { multiline: true }).replace(/\n/g, `\n${' '.repeat(width + 2)}`)}`);
  out.push('args', inert(JSON.stringify(job.args, null, 2) ?? 'null', { multiline: true }));
  return out.join('\n');
}

/** A place as `--json` prints it: a queued job's `member` (its bytes, kept for deleting it) is left out, `raw` shows them. */
function placeJson(found: LocatedJob): Omit<LocatedJob, 'member'> {
  if (found.where !== 'queued') return found;
  const { member: _member, ...shown } = found;
  return shown;
}

export const command: Command = {
  usage: 'work job ID [--json]',
  details: [
    'Looks the job up in every queue of a known name, every registered pool\'s in-progress',
    'list, and the scheduled, retry and dead sets. Queues are searched inside Redis in short',
    'steps, so a long queue takes a moment but never blocks Redis. Exit 4 when it is nowhere.',
  ].join('\n'),
  flags: {},
  examples: ['work job 7086d66b5c73db9cf1bbdcf2', 'work job 7086d66b5c73db9cf1bbdcf2 --json | jq .[0].job.args'],
  async run(ctx) {
    const [id, ...extra] = ctx.input;
    if (!id) throw new UsageError('missing the job ID');
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
    const found = await withClient(ctx, (client) => client.locateJob(id, { signal: ctx.signal }));
    if (ctx.global.json) writeJson(ctx.stdout, found.map(placeJson));
    else ctx.stdout.write(found.map(describeJob).join('\n\n') + (found.length > 0 ? '\n' : ''));
    if (found.length === 0) {
      ctx.stderr.write(notice(`no job with ID ${id} in namespace "${ctx.global.namespace}"`));
      return EXIT.notFound;
    }
    if (found.length > 1) ctx.stderr.write(`found in ${found.length} places (enqueued twice, or being rescued)\n`);
    return EXIT.ok;
  },
};
