// `work dead`, `work retry`, `work scheduled`: one listing shared by the three sets.
import type { Client, JobEntry, JobPage, JobSetName } from '../engine/client.js';
import type { Command } from './command.js';
import { UsageError } from './exit-codes.js';
import { formatTime, writeJson, writeTable, type ColumnSpec } from './output.js';
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

function listing(set: JobSetName): Command {
  return {
    usage: `work ${set} [--page N | --all] [--job NAME] [--json]`,
    details: 'Jobs in ascending time order, 20 a page. Jobs are addressed by their ID in other commands.',
    flags: {
      page: { type: 'number', default: 1, description: 'page number, 20 jobs a page (default 1)' },
      all: { type: 'boolean', description: 'every job in the set' },
      job: { type: 'string', description: 'only jobs with this name' },
    },
    examples: [`work ${set}`, `work ${set} --page 3 --job send_email`, `work ${set} --all --json > ${set}.json`],
    async run(ctx) {
      const page = Number(ctx.flags.page ?? 1);
      if (!Number.isInteger(page) || page < 1) throw new UsageError('--page must be a whole number >= 1');
      if (ctx.input.length > 0) throw new UsageError(`unexpected arguments: ${ctx.input.join(' ')}`);
      const jobName = ctx.flags.job as string | undefined;
      const all = Boolean(ctx.flags.all);
      const { count, jobs } = await withClient(ctx, async (client) => {
        if (!all) return read(client, set, page, jobName);
        const collected: JobEntry[] = [];
        let total = 0;
        for (let p = 1; ; p++) {
          if (ctx.signal.aborted) break;
          const result = await read(client, set, p, jobName);
          total = result.count;
          collected.push(...result.jobs);
          if (result.jobs.length === 0 || collected.length >= total) break;
        }
        return { count: total, jobs: collected };
      });
      if (ctx.global.json) {
        return writeJson(ctx.stdout, { set, count, page: all ? null : page, jobs: jobs.map(jsonEntry) });
      }
      if (jobs.length === 0) {
        ctx.stderr.write(count === 0 ? `no ${set} jobs\n` : `page ${page} is empty (${count} ${set} jobs)\n`);
        return;
      }
      writeTable(ctx.stdout, columns(set), jobs);
      if (!all) ctx.stderr.write(`page ${page} of ${Math.max(1, Math.ceil(count / 20))} (${count} ${set} jobs)\n`);
    },
  };
}

function jsonEntry(entry: JobEntry) {
  return entry.invalid ? { invalid: entry.invalid, score: entry.score, raw: entry.raw } : entry;
}

export const dead = listing('dead');
export const retry = listing('retry');
export const scheduled = listing('scheduled');
