// `work enqueue NAME [--args JSON | --args -] [--in SECONDS] [--unique]`.
import { Enqueuer, type JobArgs } from '../engine/enqueuer/enqueuer.js';
import type { Command, CommandContext } from './command.js';
import { UsageError } from './exit-codes.js';
import { writeJson } from './output.js';

/** The CLI refuses args larger than this (the engine's own limit is 1 MiB per job). */
export const MAX_CLI_ARGS_BYTES = 512 * 1024;

export const command: Command = {
  usage: 'work enqueue NAME [--args JSON | --args -] [--in SECONDS] [--unique] [--json]',
  details: '--args - reads the JSON object from standard input. Prints the new job ID.',
  flags: {
    args: { type: 'string', description: 'job args as a JSON object, or - for stdin (default {})' },
    in: { type: 'number', description: 'run it this many seconds from now' },
    unique: { type: 'boolean', description: 'skip it if an equal job is already queued or scheduled' },
  },
  examples: [
    'work enqueue send_email --args \'{"to":"ada@example.com"}\'',
    'echo \'{"id":42}\' | work enqueue export_report --args - --in 3600',
  ],
  async run(ctx) {
    const [name, ...extra] = ctx.input;
    if (!name) throw new UsageError('missing the job name');
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
    const args = await readArgs(ctx);
    const delay = ctx.flags.in as number | undefined;
    if (delay !== undefined && (!Number.isFinite(delay) || delay < 0)) throw new UsageError('--in must be a number of seconds >= 0');
    const unique = Boolean(ctx.flags.unique);

    const redis = await ctx.connect();
    const enqueuer = new Enqueuer({ redis, namespace: ctx.global.namespace });
    try {
      let result: { runAt?: number; job: { id: string; name: string } } | null;
      if (delay !== undefined) {
        result = unique ? await enqueuer.enqueueUniqueIn(name, delay, args) : await enqueuer.enqueueIn(name, delay, args);
      } else {
        const job = unique ? await enqueuer.enqueueUnique(name, args) : await enqueuer.enqueue(name, args);
        result = job ? { job } : null;
      }
      if (ctx.global.json) {
        writeJson(ctx.stdout, result ? { enqueued: true, ...result } : { enqueued: false, reason: 'duplicate' });
      } else if (result) {
        ctx.stdout.write(`${result.job.id}\n`);
        if (result.runAt !== undefined) ctx.stderr.write(`scheduled to run at ${new Date(result.runAt * 1000).toISOString()}\n`);
      } else {
        ctx.stderr.write(`not enqueued: an equal "${name}" job is already queued or scheduled\n`);
      }
    } finally {
      redis.disconnect();
    }
  },
};

async function readArgs(ctx: CommandContext): Promise<JobArgs> {
  const given = ctx.flags.args as string | undefined;
  if (given === undefined) return {};
  const text = given === '-' ? await readStdin() : given;
  if (Buffer.byteLength(text) > MAX_CLI_ARGS_BYTES) {
    throw new UsageError(`--args is ${Buffer.byteLength(text)} bytes; the limit is ${MAX_CLI_ARGS_BYTES}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--args is not valid JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError('--args must be a JSON object, e.g. {"to":"ada@example.com"}');
  }
  return parsed as JobArgs;
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError('--args - reads JSON from standard input, but it is a terminal');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    if (size > MAX_CLI_ARGS_BYTES) throw new UsageError(`--args from stdin exceeds ${MAX_CLI_ARGS_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
