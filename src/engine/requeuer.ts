// Moves due jobs from the scheduled and retry sets onto their queues, every
// second. Unlike gocraft (one job per script call, cjson re-encoding, and
// "unknown job" deaths for names this pool does not run), it moves due jobs in
// batches, rewrites only the "t" field of each member, and requeues any name.
import { epochSeconds } from './clock.js';
import { deadLetterBytes } from './dead-letter.js';
import { decodeJob, markRequeued } from './job.js';
import { deadKey, knownJobsKey, queueKey, retryKey, scheduledKey, wakeChannel } from './keys.js';
import { PeriodicTask } from './periodic-task.js';
import { execOrThrow } from './redis/pipeline.js';
import type { PoolContext } from './pool-context.js';
import { runScript } from './redis/scripts.js';

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
      for (;;) {
        const now = epochSeconds(this.ctx.clock);
        const due = await this.ctx.redis.zrangebyscore(source, '-inf', now, 'LIMIT', 0, REQUEUE_BATCH);
        if (due.length === 0) break;
        const n = await moveMembersToQueues(this.ctx, source, due, now);
        moved += n;
        // A full batch that moved nothing was left in place (a queue key of the
        // wrong type, see move-to-queues-var.lua): retry next tick, do not spin.
        if (due.length < REQUEUE_BATCH || n === 0) break;
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
  args: string[];
  /** Members that are not valid jobs, with the reason. */
  poison: Array<[string, string]>;
}

/**
 * The client half of a move: decode each member's name (or take it from
 * `knownNames`) and rewrite its bytes. No Redis call, so a caller can do it
 * while an earlier batch is still moving.
 */
export function prepareMove(
  prefix: string,
  source: string,
  members: readonly string[],
  now: number,
  rewrite: (raw: string, now: number) => string = markRequeued,
  /** Names the caller already decoded, by member, to save decoding twice. */
  knownNames?: ReadonlyMap<string, string>,
): PreparedMove {
  const keys = [source, knownJobsKey(prefix)];
  const args: string[] = [wakeChannel(prefix)];
  const poison: Array<[string, string]> = [];
  for (const member of members) {
    let name: string;
    try {
      name = knownNames?.get(member) ?? decodeJob(member).name;
      if (name === '') throw new Error('invalid job: no name');
    } catch (error) {
      poison.push([member, error instanceof Error ? error.message : String(error)]);
      continue;
    }
    keys.push(queueKey(prefix, name));
    args.push(member, rewrite(member, now), name);
  }
  return { source, now, keys, args, poison };
}

/** The Redis half: one move-to-queues call, then poison members to dead (unless they come from dead). Returns jobs moved. */
export async function sendMove(ctx: Pick<PoolContext, 'redis' | 'prefix'>, move: PreparedMove): Promise<number> {
  const { redis, prefix } = ctx;
  const { source, now, keys, args, poison } = move;
  let moved = 0;
  if (keys.length > 2) moved = Number(await runScript(redis, 'move-to-queues-var', keys, args));
  if (poison.length > 0 && source !== deadKey(prefix)) {
    const pipe = redis.multi();
    for (const [member, reason] of poison) {
      pipe.zrem(source, member).zadd(deadKey(prefix), now, deadLetterBytes(member, 'unknown', reason, now));
    }
    await execOrThrow(pipe);
  }
  return moved;
}

/**
 * Move the given zset members onto their queues with "t" set to now (and, for
 * dead jobs being retried, failure fields cleared by `rewrite`). Members that
 * are not valid jobs go to the dead set with the reason. Returns jobs moved.
 */
export async function moveMembersToQueues(
  ctx: Pick<PoolContext, 'redis' | 'prefix'>,
  source: string,
  members: readonly string[],
  now: number,
  rewrite: (raw: string, now: number) => string = markRequeued,
  /** Names the caller already decoded, by member, to save decoding twice. */
  knownNames?: ReadonlyMap<string, string>,
): Promise<number> {
  return sendMove(ctx, prepareMove(ctx.prefix, source, members, now, rewrite, knownNames));
}
