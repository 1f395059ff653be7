// Moves due jobs from the scheduled and retry sets onto their queues, every
// second. Unlike gocraft (one job per script call, cjson re-encoding, and
// "unknown job" deaths for names this pool does not run), it moves due jobs in
// batches, rewrites only the "t" field of each member, and requeues any name.
import { epochSeconds } from './clock.js';
import { deadLetterBytes } from './dead-letter.js';
import { decodeJob, decodeJobValue, markRequeued } from './job.js';
import { deadKey, knownJobsKey, queueKey, retryKey, scheduledKey, wakeChannel } from './keys.js';
import { PeriodicTask } from './periodic-task.js';
import { execOrThrow } from './redis/pipeline.js';
import type { PoolContext } from './pool-context.js';
import { fromReplies, textOf, type RedisBytes } from './redis-bytes.js';
import { runScript, type ScriptArg } from './redis/scripts.js';

/** Members moved per script call: small enough to keep each call well under a millisecond or two. */
export const REQUEUE_BATCH = 500;

export class Requeuer {
  private readonly task: PeriodicTask;

  constructor(
    private readonly ctx: PoolContext,
    intervalMs = 1000,
  ) {
    this.task = new PeriodicTask(() => this.step().then(() => undefined), {
      intervalMs,
      jitterMs: intervalMs / 10,
      onError: (error) => ctx.report('requeuer', error),
    });
  }

  start(): void {
    this.task.start();
  }

  stop(): Promise<void> {
    return this.task.stop();
  }

  /** Move everything due now; returns how many jobs were moved. */
  async step(): Promise<number> {
    const { prefix } = this.ctx;
    let moved = 0;
    for (const source of [scheduledKey(prefix), retryKey(prefix)]) {
      // Members a batch left in place (a queue key of the wrong type, see
      // move-to-queues-var.lua) are read past, so they never hold back the
      // due jobs behind them; they are tried again next tick.
      let skip = 0;
      for (;;) {
        const now = epochSeconds(this.ctx.clock);
        const due = fromReplies(await this.ctx.redis.zrangebyscoreBuffer(source, '-inf', now, 'LIMIT', skip, REQUEUE_BATCH));
        if (due.length === 0) break;
        const { moved: n, filed } = await sendMove(this.ctx, prepareMove(prefix, source, due, now));
        moved += n;
        skip += due.length - n - filed;
        if (due.length < REQUEUE_BATCH) break;
      }
    }
    return moved;
  }
}

/** A move worked out on the client (names decoded, members rewritten), ready to send. */
export interface PreparedMove {
  source: string;
  now: number;
  keys: string[];
  args: ScriptArg[];
  /** Members that are not valid jobs, with the reason. */
  poison: Array<[RedisBytes, string]>;
}

export interface MoveOptions {
  /** The new bytes of a member; default: "t" set to now. */
  rewrite?: (raw: string, now: number) => string;
  /** Names the caller already decoded, by member, to save decoding twice. */
  knownNames?: ReadonlyMap<RedisBytes, string>;
  /**
   * Move members that are not UTF-8 too, as Go reads them (each bad sequence
   * as U+FFFD): an operator's retry. Without it they are poison, as they are
   * to a pool.
   */
  readBadBytesAsText?: boolean;
}

/**
 * The client half of a move: decode each member's name (or take it from
 * `knownNames`) and rewrite its bytes. No Redis call, so a caller can do it
 * while an earlier batch is still moving. Each member goes back to Redis as
 * the exact bytes read, so the script's ZREM finds it.
 */
export function prepareMove(
  prefix: string,
  source: string,
  members: readonly RedisBytes[],
  now: number,
  { rewrite = markRequeued, knownNames, readBadBytesAsText = false }: MoveOptions = {},
): PreparedMove {
  const keys = [source, knownJobsKey(prefix)];
  const args: ScriptArg[] = [wakeChannel(prefix)];
  const poison: Array<[RedisBytes, string]> = [];
  for (const member of members) {
    const text = readBadBytesAsText ? textOf(member) : undefined;
    let name: string;
    try {
      name = knownNames?.get(member) ?? (text === undefined ? decodeJobValue(member) : decodeJob(text)).name;
      if (name === '') throw new Error('invalid job: no name');
    } catch (error) {
      poison.push([member, error instanceof Error ? error.message : String(error)]);
      continue;
    }
    keys.push(queueKey(prefix, name));
    args.push(member, rewrite(text ?? textOf(member), now), name);
  }
  return { source, now, keys, args, poison };
}

/**
 * The Redis half: one move-to-queues call, then poison members to dead
 * (unless they come from dead). Returns the jobs moved, and the poison
 * members filed in dead (those that were still in the source).
 */
export async function sendMove(ctx: Pick<PoolContext, 'redis' | 'prefix'>, move: PreparedMove): Promise<{ moved: number; filed: number }> {
  const { redis, prefix } = ctx;
  const { source, now, keys, args, poison } = move;
  let moved = 0;
  let filed = 0;
  if (keys.length > 2) moved = Number(await runScript(redis, 'move-to-queues-var', keys, args));
  if (poison.length > 0 && source !== deadKey(prefix)) {
    const pipe = redis.multi();
    for (const [member, reason] of poison) {
      pipe.zrem(source, member).zadd(deadKey(prefix), now, deadLetterBytes(member, 'unknown', reason, now));
    }
    const replies = await execOrThrow(pipe);
    for (let i = 0; i < replies.length; i += 2) filed += Number(replies[i]);
  }
  return { moved, filed };
}

/**
 * Move the given zset members onto their queues with "t" set to now (and, for
 * dead jobs being retried, failure fields cleared by `rewrite`). Members that
 * are not valid jobs go to the dead set with the reason. Returns jobs moved.
 */
export async function moveMembersToQueues(
  ctx: Pick<PoolContext, 'redis' | 'prefix'>,
  source: string,
  members: readonly RedisBytes[],
  now: number,
  options: MoveOptions = {},
): Promise<number> {
  return (await sendMove(ctx, prepareMove(ctx.prefix, source, members, now, options))).moved;
}
