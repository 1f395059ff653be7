// Walks a sorted set in score order, one short batch at a time, handing some
// members to an action that removes them (retry-all and delete-all of dead
// jobs). Members the action does not take stay where they are, so the walk
// cannot restart from the top each time the way gocraft's retry-all does
// (it stops at the first batch that moved nothing, spec 16.1.7); instead a
// cursor remembers where the next unseen member starts. With readAhead, the
// next batch is read before the action on this one is sent, so the client
// prepares batch N+1 while Redis runs batch N's action.
import type { Redis } from 'ioredis';
import { execOrThrow } from '../redis/pipeline.js';
import { InvalidArgumentError } from '../errors.js';
import { fromReply, sameBytes, type RedisBytes } from '../codec/redis-bytes.js';
import type { BulkOptions } from './types.js';

export const DEFAULT_BATCH_SIZE = 1000;
const MAX_BATCH_SIZE = 10_000;
const MAX_IDLE_RESTARTS = 5;

/** What to do with one member: take it (the action removes it), leave it, or leave it and count it as not handled. */
export type Verdict = 'take' | 'stay' | 'stuck';

export interface ScoredMember {
  /** Exactly as read, so the action can remove it (redis-bytes.ts). */
  member: RedisBytes;
  score: string; // as Redis printed it, so it can be sent back as a bound
}

/**
 * The position of the next unseen member. Taken members leave the set, so
 * only members that stayed occupy positions: the next read starts at score
 * `min`, past the `staying` members at that very score already seen. The
 * last of those (`anchor`) must sit right before the new batch; if it does
 * not, someone else changed the seen part of the set and the walk restarts
 * from the top (members already handled are gone, so nothing runs twice).
 */
export class SweepCursor {
  min = '-inf';
  staying = 0;
  anchor: RedisBytes | undefined;

  /** Score bound, offset and count for the next ZRANGEBYSCORE. */
  nextRead(batchSize: number): { min: string; offset: number; count: number } {
    if (this.staying === 0) return { min: this.min, offset: 0, count: batchSize };
    return { min: this.min, offset: this.staying - 1, count: batchSize + 1 };
  }

  /** The unseen members of a reply to nextRead(), or undefined when the anchor moved (call reset()). */
  unseen(reply: readonly ScoredMember[]): ScoredMember[] | undefined {
    if (this.staying === 0) return [...reply];
    if (!sameBytes(reply[0]?.member, this.anchor)) return undefined;
    return reply.slice(1);
  }

  /** Record a batch in order, with what happened to each member. */
  advance(batch: readonly ScoredMember[], stays: readonly boolean[]): void {
    batch.forEach(({ member, score }, i) => {
      if (score !== this.min) {
        this.min = score;
        this.staying = 0;
        this.anchor = undefined;
      }
      if (stays[i]) {
        this.staying += 1;
        this.anchor = member;
      }
    });
  }

  /** The cursor for a read made while `batch`, just walked, is still wholly in the set (its action not yet run). */
  past(batch: readonly ScoredMember[]): SweepCursor {
    const ahead = new SweepCursor();
    ahead.min = this.min;
    ahead.staying = this.staying;
    ahead.anchor = this.anchor;
    ahead.advance(batch, batch.map(() => true));
    return ahead;
  }

  reset(): void {
    this.min = '-inf';
    this.staying = 0;
    this.anchor = undefined;
  }
}

export function checkBatchSize(batchSize: number | undefined): number {
  const n = batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_BATCH_SIZE) {
    throw new InvalidArgumentError(`batchSize must be an integer from 1 to ${MAX_BATCH_SIZE}, got ${String(batchSize)}`);
  }
  return n;
}

export interface SweepSpec<P = RedisBytes[]> extends Pick<BulkOptions, 'signal' | 'onProgress'> {
  key: string;
  /** Highest score to visit ('+inf' for all). */
  max: string;
  batchSize: number;
  judge(member: RedisBytes): Verdict;
  /**
   * Client-side work on a batch's taken members (decoding, rewriting), done
   * as soon as the batch is judged. Without it, act receives the members.
   */
  prepare?(members: RedisBytes[]): P;
  /** Remove and handle the taken members in one short call; returns how many it handled. */
  act(prepared: P): Promise<number>;
  /**
   * Read each batch while the action on the one before is still running, so
   * the client judges and prepares it while Redis works. The read is sent
   * ahead of that action on the same connection, so it sees the set just
   * before it; a change someone else makes between batches is noticed one
   * batch later than without it.
   */
  readAhead?: boolean;
}

export interface SweepResult {
  /** Members the action handled. */
  acted: number;
  /** Members judged take or stuck (the ones the caller asked about). */
  matched: number;
  /** Of those, members left in the set: judged stuck, or refused by the action. */
  stuck: number;
  /** Members in range when the walk started, whatever the judge would say of them. */
  inRange: number;
  aborted: boolean;
}

/**
 * The highest score in the set, as Redis prints it, or undefined when it is
 * empty. A bulk walk that stops here covers every member present now,
 * whatever the clocks of the hosts that wrote the scores.
 */
export async function highestScore(redis: Redis, key: string): Promise<string | undefined> {
  const reply = await redis.zrange(key, -1, -1, 'WITHSCORES');
  return reply[1];
}

function pairs(reply: readonly Buffer[]): ScoredMember[] {
  const out: ScoredMember[] = [];
  for (let i = 0; i + 1 < reply.length; i += 2) out.push({ member: fromReply(reply[i]!), score: reply[i + 1]!.toString() });
  return out;
}

/** Which of the members are in the sorted set (ZSCORE each, one round trip; ZMSCORE needs Redis 6.2). */
async function present(redis: Redis, key: string, members: readonly RedisBytes[]): Promise<Set<RedisBytes>> {
  const pipe = redis.pipeline();
  for (const member of members) pipe.zscore(key, member);
  const scores = await execOrThrow(pipe);
  return new Set(members.filter((_, i) => scores[i] !== null));
}

/** A batch read and judged, with its taken members prepared for the action. */
interface Judged {
  batch: ScoredMember[];
  verdicts: Verdict[];
  taken: RedisBytes[];
  /** Sends the prepared action; undefined when nothing was taken. */
  send: (() => Promise<number>) | undefined;
}

export async function sweep<P = RedisBytes[]>(redis: Redis, spec: SweepSpec<P>): Promise<SweepResult> {
  const { key, max, batchSize, signal, onProgress } = spec;
  const result: SweepResult = { acted: 0, matched: 0, stuck: 0, inRange: 0, aborted: false };
  if (signal?.aborted) return { ...result, aborted: true };
  const total = await redis.zcount(key, '-inf', max);
  result.inRange = total;
  // Without prepare, P is RedisBytes[] (the default) and act takes the members as they are.
  const prepare = spec.prepare ?? ((members: RedisBytes[]) => members as unknown as P);
  const cursor = new SweepCursor();
  let left = 0; // members taken so far: gone from the set, whoever removed them
  let stayed = 0; // members seen since the last (re)start that are still there
  let stuck = 0;
  let idleRestarts = 0;
  let actedAtRestart = 0;
  let next: Judged | undefined; // read and judged; its action not sent yet
  let atEnd = false; // no batch after `next`

  const read = async (from: SweepCursor): Promise<ScoredMember[] | undefined> => {
    const { min, offset, count } = from.nextRead(batchSize);
    const reply = pairs(await redis.zrangebyscoreBuffer(key, min, max, 'WITHSCORES', 'LIMIT', offset, count));
    atEnd = reply.length < count;
    return from.unseen(reply);
  };

  const judge = (batch: ScoredMember[]): Judged => {
    const verdicts = batch.map(({ member }) => spec.judge(member));
    const taken = batch.filter((_, i) => verdicts[i] === 'take').map(({ member }) => member);
    let send: (() => Promise<number>) | undefined;
    if (taken.length > 0) {
      const prepared = prepare(taken);
      send = async () => spec.act(prepared); // async: a throw becomes a rejection, handled like one
    }
    return { batch, verdicts, taken, send };
  };

  // Someone changed the part already walked. Start again; a set that keeps
  // changing under us without our making progress is an error, not a loop.
  const restart = (): void => {
    idleRestarts = result.acted === actedAtRestart ? idleRestarts + 1 : 1;
    actedAtRestart = result.acted;
    if (idleRestarts > MAX_IDLE_RESTARTS) throw new Error(`${key} keeps changing under the walk; gave up`);
    cursor.reset();
    stayed = 0;
    stuck = 0;
    next = undefined;
    atEnd = false;
  };

  const settle = async ({ batch, verdicts, taken }: Judged, acted: number): Promise<void> => {
    result.acted += acted;
    if (acted < taken.length) {
      // Some were not handled: taken by someone else (gone), or refused by the
      // action (still here, e.g. a queue key of the wrong type). The cursor
      // must count the second kind, or it would lose its place.
      const still = await present(redis, key, taken);
      batch.forEach(({ member }, i) => {
        if (verdicts[i] === 'take' && still.has(member)) verdicts[i] = 'stuck';
      });
    }
    const stays = verdicts.map((v) => v !== 'take');
    const stayedNow = stays.filter(Boolean).length;
    left += batch.length - stayedNow;
    stayed += stayedNow;
    stuck += verdicts.filter((v) => v === 'stuck').length;
    cursor.advance(batch, stays);
    const done = left + stayed;
    onProgress?.({ done, total: Math.max(total, done) });
  };

  for (;;) {
    if (signal?.aborted) {
      result.aborted = true;
      break;
    }
    if (next === undefined) {
      // The first batch, or the first after a restart (or every one, without readAhead).
      const batch = await read(cursor);
      if (batch === undefined) {
        restart();
        continue;
      }
      if (batch.length === 0) break;
      next = judge(batch);
    }
    const current = next;
    next = undefined;
    // The read of the following batch goes first, so Redis runs it before
    // this batch's action, with this batch still in the set.
    const reading = spec.readAhead && !atEnd ? read(cursor.past(current.batch)) : undefined;
    const acting = current.send?.() ?? Promise.resolve(0);
    void acting.catch(() => undefined); // awaited below; this only keeps an early rejection from counting as unhandled
    let changed = false;
    if (reading !== undefined) {
      try {
        const batch = await reading;
        // Judged and prepared while the action runs in Redis.
        if (batch === undefined) changed = true;
        else if (batch.length > 0) next = judge(batch);
      } catch (error) {
        await acting.catch(() => undefined); // let the action finish before giving up
        throw error;
      }
    }
    await settle(current, await acting);
    if (changed) restart();
    else if (next === undefined && atEnd) break; // the end of the range
  }
  result.matched = left + stuck;
  result.stuck = stuck;
  return result;
}
