// `work dead`, `work retry`, `work scheduled`: one listing shared by the three sets.
import type { Client, JobEntry, JobPage, JobSetName } from '../engine/client/client.js';
import type { Command, CommandContext } from './command.js';
import { EXIT, UsageError } from './exit-codes.js';
import { colorEnabled, formatTime, lineWriter, renderColumns, terminalWidth, writeJson, writeTable, type ColumnSpec } from './output.js';
import { withClient } from './with-client.js';

const WHEN: Record<JobSetName, string> = { dead: 'Died at', retry: 'Retry at', scheduled: 'Run at' };

/** At 80 columns: ID, job, fails and the start of the error; wider terminals add the time, then the args. */
function columns(set: JobSetName): ColumnSpec<JobEntry>[] {
  return [
    { title: 'ID', cell: (j) => (j.invalid ? '?' : j.id), cut: 'middle', rank: 9 },
    { title: 'Job', cell: (j) => (j.invalid ? '(invalid)' : j.name), cut: 'middle', min: 12, rank: 8 },
    { title: WHEN[set], cell: (j) => formatTime(j.score), rank: 4 },
    { title: 'Fails', cell: (j) => String(j.fails ?? 0), align: 'right', rank: 6 },
    { title: 'Error', cell: (j) => j.invalid ?? j.lastError ?? '', min: 16, max: 60, rank: 7 },
    { title: 'Args', cell: (j) => (j.invalid ? j.raw : (JSON.stringify(j.args) ?? 'null')), min: 12, max: 60, rank: 3, extra: true },
  ];
}

function read(client: Client, set: JobSetName, page: number, jobName: string | undefined): Promise<JobPage> {
  const options = jobName ? { jobName } : {};
  if (set === 'dead') return client.deadJobs(page, options);
  if (set === 'retry') return client.retryJobs(page, options);
  return client.scheduledJobs(page, options);
}

/** Table rows per chunk of a streamed --all listing: memory stays one chunk. */
const TABLE_CHUNK = 1000;

function listing(set: JobSetName): Command {
  return {
    usage: `work ${set} [--page N | --all] [--job NAME] [--json | --ndjson]`,
    details: [
      'Jobs in ascending time order, 20 a page. Jobs are addressed by their ID in other commands.',
      '--all streams the whole set in bounded batches (memory stays flat for millions of jobs);',
      'with --json or --ndjson it prints one JSON job a line (NDJSON), as `work job --json` shows one.',
    ].join('\n'),
    flags: {
      page: { type: 'number', default: 1, description: 'page number, 20 jobs a page (default 1)' },
      all: { type: 'boolean', description: 'every job in the set, streamed' },
      job: { type: 'string', description: 'only jobs with this name' },
      ndjson: { type: 'boolean', description: 'one JSON job a line (with --all or for a page)' },
    },
    examples: [`work ${set}`, `work ${set} --page 3 --job send_email`, `work ${set} --all --json > ${set}.ndjson`],
    async run(ctx) {
      const page = Number(ctx.flags.page ?? 1);
      if (!Number.isInteger(page) || page < 1) throw new UsageError('--page must be a whole number >= 1');
      if (ctx.input.length > 0) throw new UsageError(`unexpected arguments: ${ctx.input.join(' ')}`);
      const jobName = ctx.flags.job as string | undefined;
      const all = Boolean(ctx.flags.all);
      const ndjson = Boolean(ctx.flags.ndjson) || (all && ctx.global.json);
      if (all) return withClient(ctx, (client) => streamAll(ctx, client, set, jobName, ndjson));
      const { count, jobs } = await withClient(ctx, (client) => read(client, set, page, jobName));
      if (ndjson) {
        const out = lineWriter(ctx.stdout);
        await out.write(jobs.map(jsonLine).join(''));
        return EXIT.ok;
      }
      if (ctx.global.json) return writeJson(ctx.stdout, { set, count, page, jobs: jobs.map(jsonEntry) });
      if (jobs.length === 0) {
        ctx.stderr.write(count === 0 ? `no ${set} jobs\n` : `page ${page} is empty (${count} ${set} jobs)\n`);
        return EXIT.ok;
      }
      writeTable(ctx.stdout, columns(set), jobs);
      ctx.stderr.write(`page ${page} of ${Math.max(1, Math.ceil(count / 20))} (${count} ${set} jobs)\n`);
      return EXIT.ok;
    },
  };
}

/** The whole set, batch by batch: NDJSON lines, or one table per chunk of rows. */
async function streamAll(ctx: CommandContext, client: Client, set: JobSetName, jobName: string | undefined, ndjson: boolean): Promise<number> {
  const out = lineWriter(ctx.stdout);
  let listed = 0;
  let chunk: JobEntry[] = [];
  let text = '';
  const flush = async () => {
    if (ndjson) await out.write(text);
    else if (chunk.length > 0) await out.write(`${renderColumns(columns(set), chunk, { width: terminalWidth(ctx.stdout), color: colorEnabled(ctx.stdout) })}\n`);
    text = '';
    chunk = [];
  };
  for await (const entry of client.streamJobs(set, { ...(jobName ? { jobName } : {}), signal: ctx.signal })) {
    if (out.closed) break;
    listed++;
    if (ndjson) text += jsonLine(entry);
    else chunk.push(entry);
    if (listed % TABLE_CHUNK === 0) await flush();
  }
  await flush();
  if (ctx.signal.aborted) {
    ctx.stderr.write(`interrupted: listed ${listed} ${set} jobs\n`);
    return EXIT.failed;
  }
  // A reader that stopped early (head, less) is not an error.
  if (!ndjson && !out.closed && listed === 0) ctx.stderr.write(`no ${set} jobs${jobName ? ` named ${jobName}` : ''}\n`);
  return EXIT.ok;
}

function jsonLine(entry: JobEntry): string {
  return `${JSON.stringify(jsonEntry(entry))}\n`;
}

function jsonEntry(entry: JobEntry) {
  return entry.invalid ? { invalid: entry.invalid, score: entry.score, raw: entry.raw } : entry;
}

export const dead = listing('dead');
export const retry = listing('retry');
export const scheduled = listing('scheduled');
