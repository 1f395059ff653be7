// The shape shared by `work retry-dead` and `work delete-dead`: either --all
// (batched, interruptible, with progress) or a list of IDs; --job filters;
// --dry-run reports what would happen and changes nothing.
import type { Client } from '../engine/client/client.js';
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
  all(client: Client, ctx: CommandContext, jobName: string | undefined, onProgress: (done: number, total: number) => void): Promise<BulkTally>;
}

export function deadRepairCommand(spec: RepairSpec, details: string): Command {
  return {
    usage: `work ${spec.name} (--all | ID...) [--job NAME] [--dry-run] [--json]`,
    details,
    flags: {
      all: { type: 'boolean', description: `${spec.verb} every dead job (in batches; Ctrl-C stops between batches)` },
      job: { type: 'string', description: 'only dead jobs with this name' },
      dryRun: { type: 'boolean', description: 'report what would happen; change nothing' },
    },
    examples: [`work ${spec.name} --all`, `work ${spec.name} --all --job send_email --dry-run`, `work ${spec.name} 7086d66b5c73db9cf1bbdcf2`],
    async run(ctx) {
      const all = Boolean(ctx.flags.all);
      const ids = ctx.input;
      const jobName = ctx.flags.job as string | undefined;
      const dryRun = Boolean(ctx.flags.dryRun);
      if (all && ids.length > 0) throw new UsageError('give either --all or job IDs, not both');
      if (!all && ids.length === 0) throw new UsageError('give --all or at least one job ID');
      return withClient(ctx, (client) => (all ? runAll(ctx, client, spec, jobName, dryRun) : runIds(ctx, client, spec, ids, jobName, dryRun)));
    },
  };
}

async function runAll(ctx: CommandContext, client: Client, spec: RepairSpec, jobName: string | undefined, dryRun: boolean): Promise<number> {
  const what = jobName ? `dead "${jobName}" jobs` : 'dead jobs';
  if (dryRun) {
    const { count } = await client.deadJobs(1, jobName ? { jobName } : {});
    if (ctx.global.json) writeJson(ctx.stdout, { dryRun: true, [`would${capitalize(spec.verb)}`]: count });
    else ctx.stdout.write(`would ${spec.verb} ${count} ${what} (dry run: nothing changed)\n`);
    return EXIT.ok;
  }
  const progress = progressReporter(ctx.stderr, spec.past);
  const result = await spec.all(client, ctx, jobName, (done, total) => progress.update(done, total));
  progress.end();
  if (result.aborted) {
    // The run stopped between batches: count what is still dead, for the operator's next step.
    const { count: remaining } = await client.deadJobs(1, jobName ? { jobName } : {});
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
