// Moving sorted-set members (scheduled, retry, dead) onto their queues, in
// batches: shared by the requeuer (due jobs) and the Client (retrying dead
// jobs). Each member goes back to Redis as the exact bytes read, so the
// script's ZREM finds it; members that are not jobs go to dead with the reason.
import type { Redis } from 'ioredis';
import { deadLetterBytes } from '../codec/dead-letter.js';
import { decodeJob, decodeJobValue, markRequeued } from '../codec/job.js';
import { deadKey, knownJobsKey, queueKey, wakeChannel } from '../codec/keys.js';
import { textOf, type RedisBytes } from '../codec/redis-bytes.js';
import { moveToQueuesCall, type QueueMove } from './calls/move-to-queues.js';
import { execOrThrow } from './pipeline.js';
import { send, type ScriptCall } from './script-call.js';

export interface MoveContext {
  redis: Redis;
  prefix: string;
}

/** A move worked out on the client (names decoded, members rewritten), ready to send. */
export interface PreparedMove {
  source: string;
  now: number;
  /** The script call for the members that decode. */
  call: ScriptCall<number>;
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
  const moves: QueueMove[] = [];
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
    moves.push({ member, bytes: rewrite(text ?? textOf(member), now), name, queue: queueKey(prefix, name) });
  }
  return { source, now, call: moveToQueuesCall(source, knownJobsKey(prefix), wakeChannel(prefix), moves), poison };
}

/**
 * The Redis half: one move-to-queues call, then poison members to dead
 * (unless they come from dead). Returns the jobs moved, and the poison
 * members filed in dead (those that were still in the source).
 */
export async function sendMove(ctx: MoveContext, move: PreparedMove): Promise<{ moved: number; filed: number }> {
  const { redis, prefix } = ctx;
  const { source, now, call, poison } = move;
  let moved = 0;
  let filed = 0;
  if (call.keys.length > 2) moved = await send(redis, call);
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
  ctx: MoveContext,
  source: string,
  members: readonly RedisBytes[],
  now: number,
  options: MoveOptions = {},
): Promise<number> {
  return (await sendMove(ctx, prepareMove(ctx.prefix, source, members, now, options))).moved;
}
