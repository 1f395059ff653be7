// The shape shared by `work retry-dead` and `work delete-dead`: either --all
// (batched, interruptible, with progress) or a list of IDs; --job filters;
// --error-match and --match pick the dead jobs a search would find (and
// imply --all); --dry-run reports what would happen and changes nothing.
import type { Client, JobQuery } from '../engine/client/client.js';
import { NotDeletedError, NotRetriedError } from '../engine/errors.js';
import type { Command, CommandContext } from './command.js';
import { EXIT, UsageError } from './exit-codes.js';
import { progressReporter, writeJson } from './output.js';
import { withClient } from './with-client.js';

/** What a bulk run did: done + left + changed = total. */
interface BulkTally {
  done: number;
  total: number;
  /** Still dead: undecodable, or refused by their queue. */
  left: number;
  /** Taken, removed or changed by someone else before the run reached them. */
  changed: number;
  aborted: boolean;
}

interface RepairSpec {
  name: string;
  verb: string; // "retry" / "delete"
  past: string; // "retried" / "deleted"
  one(client: Client, id: string): Promise<void>;
  all(client: Client, ctx: CommandContext, query: JobQuery, onProgress: (done: number, total: number) => void): Promise<BulkTally>;
}

export function deadRepairCommand(spec: RepairSpec, details: string): Command {
  return {
    usage: `work ${spec.name} (--all | ID...) [--job NAME] [--error-match TEXT] [--match TEXT] [--dry-run] [--json]`,
    details,
    flags: {
      all: { type: 'boolean', description: `${spec.verb} every dead job (in batches; Ctrl-C stops between batches)` },
      job: { type: 'string', description: 'only dead jobs with this name' },
      errorMatch: { type: 'string', description: 'only dead jobs whose last error holds TEXT (ASCII letters in any case); implies --all' },
      match: { type: 'string', description: 'only dead jobs whose name, ID, last error or args hold TEXT; implies --all' },
      dryRun: { type: 'boolean', description: 'report what would happen; change nothing' },
    },
    examples: [
      `work ${spec.name} --all`,
      `work ${spec.name} --all --job send_email --dry-run`,
      `work ${spec.name} --job send_email --error-match "421 try later"`,
      `work ${spec.name} 7086d66b5c73db9cf1bbdcf2`,
    ],
    async run(ctx) {
      const ids = ctx.input;
      const query = queryOf(ctx.flags);
      // A search filter names a set of dead jobs by itself, as --all does.
      const all = Boolean(ctx.flags.all) || query.errorMatch !== undefined || query.text !== undefined;
      const dryRun = Boolean(ctx.flags.dryRun);
      if (all && ids.length > 0) throw new UsageError(ctx.flags.all ? 'give either --all or job IDs, not both' : 'give --error-match or --match without job IDs');
      if (!all && ids.length === 0) throw new UsageError('give --all or at least one job ID (or --error-match, --match)');
      return withClient(ctx, (client) => (all ? runAll(ctx, client, spec, query, dryRun) : runIds(ctx, client, spec, ids, query.jobName, dryRun)));
    },
  };
}

function queryOf(flags: Record<string, unknown>): JobQuery {
  const text = (flag: string, name: string): string | undefined => {
    const value = flags[flag] as string | undefined;
    if (value === '') throw new UsageError(`${name} needs a text`);
    return value;
  };
  const query: JobQuery = {};
  const jobName = text('job', '--job');
  const errorMatch = text('errorMatch', '--error-match');
  const match = text('match', '--match');
  if (jobName !== undefined) query.jobName = jobName;
  if (errorMatch !== undefined) query.errorMatch = errorMatch;
  if (match !== undefined) query.text = match;
  return query;
}

/** "dead jobs", "dead "send_email" jobs whose error holds "421"", for the report lines. */
function describe({ jobName, errorMatch, text }: JobQuery): string {
  const conditions = [errorMatch !== undefined ? `whose error holds ${JSON.stringify(errorMatch)}` : '', text !== undefined ? `matching ${JSON.stringify(text)}` : ''].filter(Boolean);
  return `${jobName ? `dead "${jobName}" jobs` : 'dead jobs'}${conditions.length > 0 ? ` ${conditions.join(' and ')}` : ''}`;
}

/** Dead jobs the query picks now: the set's size, a count of one name, or a search of the set (in short steps, with progress). */
async function countDead(ctx: CommandContext, client: Client, query: JobQuery): Promise<number> {
  if (query.errorMatch === undefined && query.text === undefined) return (await client.deadJobs(1, query.jobName ? { jobName: query.jobName } : {})).count;
  const progress = progressReporter(ctx.stderr, 'searched');
  let count = 0;
  for await (const step of client.searchJobs('dead', query, { signal: ctx.signal })) {
    count += step.matches.length;
    progress.update(step.done, step.total);
  }
  progress.end();
  return count;
}

async function runAll(ctx: CommandContext, client: Client, spec: RepairSpec, query: JobQuery, dryRun: boolean): Promise<number> {
  const what = describe(query);
  if (dryRun) {
    const count = await countDead(ctx, client, query);
    if (ctx.signal.aborted) {
      ctx.stderr.write('interrupted: the count was not finished; nothing changed\n');
      return EXIT.failed;
    }
    if (ctx.global.json) writeJson(ctx.stdout, { dryRun: true, [`would${capitalize(spec.verb)}`]: count });
    else ctx.stdout.write(`would ${spec.verb} ${count} ${what} (dry run: nothing changed)\n`);
    return EXIT.ok;
  }
  const progress = progressReporter(ctx.stderr, spec.past);
  const result = await spec.all(client, ctx, query, (done, total) => progress.update(done, total));
  progress.end();
  if (result.aborted) {
    // The run stopped between batches: count what is still dead, for the operator's next step
    // (a second Ctrl-C has already fired the signal, so the count runs on its own).
    const remaining = await countDead({ ...ctx, signal: new AbortController().signal }, client, query);
    if (ctx.global.json) writeJson(ctx.stdout, { ...tallyJson(spec, result), interrupted: true, remaining });
    ctx.stderr.write(`interrupted: ${spec.past} ${result.done} ${what}; ${remaining} are still dead\n`);
    return EXIT.failed;
  }
  if (ctx.global.json) {
    writeJson(ctx.stdout, { ...tallyJson(spec, result), interrupted: false });
  } else {
    // The first number is exactly what moved; when it is not the whole set, say where the rest went.
    const rest = [
      result.changed > 0 ? `${result.changed} changed meanwhile (taken or removed by someone else)` : '',
      result.left > 0 ? `${result.left} left in dead (undecodable, or their queue key holds another type)` : '',
    ].filter(Boolean);
    ctx.stdout.write(`${spec.past} ${result.done} of ${result.total} ${what}${rest.length > 0 ? `; ${rest.join('; ')}` : ''}\n`);
  }
  return EXIT.ok;
}

async function runIds(
  ctx: CommandContext,
  client: Client,
  spec: RepairSpec,
  ids: string[],
  jobName: string | undefined,
  dryRun: boolean,
): Promise<number> {
  const done: string[] = [];
  const notFound: string[] = [];
  for (const id of ids) {
    if (ctx.signal.aborted) break;
    const found = await client.findJob(id);
    const matches = found?.set === 'dead' && (!jobName || found.job.name === jobName);
    if (!matches) {
      notFound.push(id);
      continue;
    }
    if (dryRun) {
      done.push(id);
      continue;
    }
    try {
      await spec.one(client, id);
      done.push(id);
    } catch (error) {
      if (error instanceof NotRetriedError || error instanceof NotDeletedError) notFound.push(id);
      else throw error;
    }
  }
  if (ctx.global.json) {
    // Lists of IDs under *Ids keys: `retried` and `deleted` are always counts.
    writeJson(ctx.stdout, dryRun ? { dryRun: true, [`would${capitalize(spec.verb)}Ids`]: done, notFound } : { [`${spec.past}Ids`]: done, notFound });
  } else {
    for (const id of done) ctx.stdout.write(`${dryRun ? `would ${spec.verb}` : spec.past} ${id}\n`);
  }
  for (const id of notFound) ctx.stderr.write(`not found in the dead set${jobName ? ` as "${jobName}"` : ''}: ${id}\n`);
  return notFound.length > 0 ? EXIT.notFound : EXIT.ok;
}

/** The counts of a bulk run, under the same keys whether it ended or was interrupted. */
function tallyJson(spec: RepairSpec, result: BulkTally): Record<string, number> {
  return { [spec.past]: result.done, total: result.total, left: result.left, changed: result.changed };
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
