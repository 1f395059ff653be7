// Acting on many members of one set at once: move them onto their queues
// (retry dead jobs, run retry or scheduled jobs now) or delete them, every
// member or only those a query picks (judged as a search judges them,
// client/search.ts). Both walk the set with the batched sweep (sweep.ts), so
// no call blocks Redis, Esc or Ctrl-C stops between batches, and the result
// says exactly what this call did.
import type { Redis } from 'ioredis';
import { epochSeconds, type Clock } from '../clock.js';
import { clearFailure, markRequeued, type Job } from '../codec/job.js';
import { isNamed, jobOfMember } from '../codec/job-peek.js';
import { deadKey, retryKey, scheduledKey } from '../codec/keys.js';
import { textOf, type RedisBytes } from '../codec/redis-bytes.js';
import { prepareMove, sendMove } from '../redis/move-to-queues.js';
import { execOrThrow } from '../redis/pipeline.js';
import { compileQuery, isEmptyQuery, judgeMember, type CompiledQuery, type JobQuery } from './search.js';
import { checkBatchSize, highestScore, sweep, type SweepResult, type Verdict } from './sweep.js';
import type { BulkOptions, JobSetName } from './types.js';

export interface BulkContext {
  redis: Redis;
  prefix: string;
  clock: Clock;
  /** The uniqueness marker a unique job holds (see Client.markerKey). */
  markerKey(found: { job: Job; raw: string }): string;
}

/** What a bulk call did: done + left + changed = total. */
export interface BulkTally {
  /**
   * Members the call applied to. Over a whole set: every member it held when
   * the call started; with a query, or when aborted: the members examined
   * that matched.
   */
  total: number;
  /** Of those, still in the set: undecodable, or refused by their queue (a key of another type). */
  left: number;
  /** Of those, taken, removed or changed by someone else before this call reached them. */
  changed: number;
  /** The signal fired; the call stopped between two batches. */
  aborted: boolean;
}

export interface MoveAllResult extends BulkTally {
  /** Jobs moved onto their queues by this call: exactly what moved. */
  moved: number;
}

export interface DeleteAllResult extends BulkTally {
  /** Exactly what this call removed. */
  deleted: number;
}

const NOTHING: BulkTally = { total: 0, left: 0, changed: 0, aborted: false };

export function setKey(prefix: string, set: JobSetName): string {
  if (set === 'scheduled') return scheduledKey(prefix);
  return set === 'retry' ? retryKey(prefix) : deadKey(prefix);
}

/**
 * Move the set's members onto their queues, as the set was when the call
 * started (optionally only those the query picks), in batches of one short
 * script call each. Dead jobs lose their failure fields (a retry); retry and
 * scheduled jobs keep theirs, as when the requeuer moves them when due.
 *
 * The walk ends at the highest score in the set at the start, read from the
 * set itself, so a score ahead of this host's clock is included. A job this
 * call moved that lands in the set again during the run (it failed again)
 * is not moved again by it, so the call always ends. Members that do not
 * decode stay where they are and never hide later jobs. Each member moves
 * at most once: the script's ZREM decides.
 */
export async function moveAllToQueues(ctx: BulkContext, set: JobSetName, options: BulkOptions = {}): Promise<MoveAllResult> {
  const batchSize = checkBatchSize(options.batchSize);
  const key = setKey(ctx.prefix, set);
  const max = await highestScore(ctx.redis, key);
  if (max === undefined || options.signal?.aborted) return { moved: 0, ...NOTHING, aborted: Boolean(options.signal?.aborted) };
  // The judge decodes each member; prepare reuses the names it found (per batch).
  const names = new Map<RedisBytes, string>();
  const moved = new Set<string>();
  const result = await sweep(ctx.redis, {
    key,
    max,
    batchSize,
    signal: options.signal,
    onProgress: options.onProgress,
    judge: judgeBy(options, 'stuck', (member, job) => {
      if (moved.has(job.id)) return false;
      moved.add(job.id);
      names.set(member, job.name);
      return true;
    }),
    // Each batch is decoded and rewritten while the one before it moves.
    readAhead: true,
    prepare: (members) => {
      try {
        // Bytes that are not UTF-8 move as Go reads them: the operator asked for these jobs to run.
        const rewrite = set === 'dead' ? clearFailure : markRequeued;
        return prepareMove(ctx.prefix, key, members, epochSeconds(ctx.clock), { rewrite, knownNames: names, readBadBytesAsText: true });
      } finally {
        names.clear();
      }
    },
    act: async (move) => (await sendMove(ctx, move)).moved,
  });
  return { moved: result.acted, ...tallyOf(result, isEmptyQuery(options)) };
}

/**
 * Delete the set's members (optionally only those the query picks), as the
 * set was when the call started, in batches of one short call each.
 * Without a query the dead set is UNLINKed at once instead (freed in the
 * background; a DEL of a million members would block Redis). A deleted
 * scheduled unique job also frees its uniqueness marker, so an equal job can
 * be enqueued again.
 */
export async function deleteAll(ctx: BulkContext, set: JobSetName, options: BulkOptions = {}): Promise<DeleteAllResult> {
  const batchSize = checkBatchSize(options.batchSize);
  const key = setKey(ctx.prefix, set);
  if (options.signal?.aborted) return { deleted: 0, ...NOTHING, aborted: true };
  if (set === 'dead' && isEmptyQuery(options)) {
    const [count] = await execOrThrow(ctx.redis.multi().zcard(key).unlink(key));
    const deleted = Number(count);
    options.onProgress?.({ done: deleted, total: deleted });
    return { deleted, total: deleted, left: 0, changed: 0, aborted: false };
  }
  const max = await highestScore(ctx.redis, key);
  if (max === undefined) return { deleted: 0, ...NOTHING };
  // Markers of the unique scheduled jobs taken in the batch being judged.
  const markers = new Map<RedisBytes, string>();
  const result = await sweep(ctx.redis, {
    key,
    max,
    batchSize,
    signal: options.signal,
    onProgress: options.onProgress,
    // A member that is not a job is taken too: with a query, only when its text matched.
    judge: judgeBy(options, 'take', (member, job, raw) => {
      if (set === 'scheduled' && job.unique) markers.set(member, ctx.markerKey({ job, raw }));
      return true;
    }),
    prepare: (members) => {
      const batch = { members, markers: new Map(members.flatMap((m) => (markers.has(m) ? [[m, markers.get(m)!] as const] : []))) };
      markers.clear();
      return batch;
    },
    // No readAhead: a ZREM leaves the client little to overlap, and the
    // strict walk notices a change made between batches one batch sooner.
    act: async ({ members, markers: own }) => {
      if (own.size === 0) return ctx.redis.zrem(key, ...members);
      // One ZREM each, so only the markers of jobs this call removed are freed.
      const pipe = ctx.redis.pipeline();
      for (const member of members) pipe.zrem(key, member);
      const replies = await execOrThrow(pipe);
      const freed = new Set<string>();
      let count = 0;
      replies.forEach((reply, i) => {
        if (Number(reply) !== 1) return;
        count += 1;
        const marker = own.get(members[i]!);
        if (marker !== undefined) freed.add(marker);
      });
      if (freed.size > 0) await ctx.redis.del(...freed);
      return count;
    },
  });
  return { deleted: result.acted, ...tallyOf(result, isEmptyQuery(options)) };
}

/**
 * Sweep verdicts: members that match the query are offered to `take` (the
 * caller's last word, and where it notes what it needs of the job); a
 * member that matched but does not decode gets `undecodable`. Error and
 * text filters judge as a search does (client/search.ts).
 */
function judgeBy(
  { jobName, errorMatch, text }: JobQuery,
  undecodable: Verdict,
  take: (member: RedisBytes, job: Job, raw: string) => boolean,
): (member: RedisBytes) => Verdict {
  const query: CompiledQuery | undefined = errorMatch !== undefined || text !== undefined ? compileQuery({ errorMatch, text }) : undefined;
  return (member) => {
    const raw = textOf(member);
    // A name filter rejects most members without decoding them.
    if (jobName !== undefined && !isNamed(raw, jobName)) return 'stay';
    const verdict = query ? judgeMember(query, raw) : { job: jobOfMember(raw) };
    if (verdict === undefined) return 'stay';
    const { job } = verdict;
    if (job === undefined) return undecodable;
    return take(member, job, raw) ? 'take' : 'stay';
  };
}

/**
 * What a bulk call applied to, and what became of the members it did not
 * handle. A call over the whole set applies to every member it held at the
 * start, so members someone else removed before the walk reached them count
 * as changed; a filtered call can only know the matches it saw.
 */
function tallyOf({ matched, stuck, acted, inRange, aborted }: SweepResult, wholeSet: boolean): BulkTally {
  const total = wholeSet && !aborted ? Math.max(inRange, matched) : matched;
  return { total, left: stuck, changed: Math.max(0, total - acted - stuck), aborted };
}
