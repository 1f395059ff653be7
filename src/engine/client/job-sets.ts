// Reading and looking up members of the scheduled, retry and dead sets.
import type { Redis } from 'ioredis';
import { decodeJob, type Job } from '../codec/job.js';
import {
  entriesFromWithScores,
  idMatchPattern,
  jobEntryFromMember,
  PAGE_SIZE,
  pageOffset,
} from './mapping.js';
import { isNamed } from '../codec/job-peek.js';
import { bytesKey, fromReply, textOf, type RedisBytes } from '../codec/redis-bytes.js';
import type { JobEntry, JobPage } from './types.js';

/** Members read per call when a page is filtered by name, and per ZSCAN step. */
const CHUNK = 1000;

/** One page in ascending score order and the set's size: one round trip. */
export async function readPage(redis: Redis, key: string, page: number): Promise<JobPage> {
  const results = await redis
    .pipeline()
    .zrangebyscoreBuffer(key, '-inf', '+inf', 'WITHSCORES', 'LIMIT', pageOffset(page), PAGE_SIZE)
    .zcard(key)
    .exec();
  const [rangeError, range] = results?.[0] ?? [new Error('no reply')];
  const [countError, count] = results?.[1] ?? [new Error('no reply')];
  if (rangeError) throw rangeError;
  if (countError) throw countError;
  return { count: Number(count), jobs: entriesFromWithScores(texts(range as Buffer[])) };
}

/**
 * One page of the members named `jobName`, and how many there are. Reads the
 * whole set in chunks (O(n)); members are decoded only when they may hold
 * the name. A member moved or removed while the chunks are read may be
 * missed or seen twice, as in any paged view of a live set.
 */
export async function readFilteredPage(redis: Redis, key: string, page: number, jobName: string): Promise<JobPage> {
  const first = pageOffset(page);
  const jobs: JobPage['jobs'] = [];
  let count = 0;
  for (let start = 0; ; start += CHUNK) {
    const chunk = texts(await redis.zrangeBuffer(key, start, start + CHUNK - 1, 'WITHSCORES'));
    for (let i = 0; i + 1 < chunk.length; i += 2) {
      const raw = chunk[i]!;
      if (!isNamed(raw, jobName)) continue;
      if (count >= first && jobs.length < PAGE_SIZE) jobs.push(jobEntryFromMember(raw, chunk[i + 1]!));
      count += 1;
    }
    if (chunk.length < CHUNK * 2) break;
  }
  return { count, jobs };
}

/**
 * Members read for people to look at: bytes that are not UTF-8 read as Go
 * reads them (U+FFFD for each bad sequence), so such a member still lists
 * with its name and id.
 */
function texts(reply: readonly Buffer[]): string[] {
  return reply.map((b) => textOf(fromReply(b)));
}

export interface Match {
  /** The member as text (see texts()), for decoding and showing. */
  raw: string;
  /** The member's exact bytes, to remove or move it. */
  member: RedisBytes;
  score: number;
  job: Job;
}

function matchOf(member: RedisBytes, score: string, id: string): Match | undefined {
  const raw = textOf(member);
  try {
    const job = decodeJob(raw);
    return job.id === id ? { raw, member, score: Number(score), job } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every member of the set whose decoded id is `id`. With a score hint the
 * members at that score are tried first; otherwise (or if the job has moved)
 * the set is scanned with a MATCH pattern that any encoding of the id fits.
 */
export async function findById(redis: Redis, key: string, id: string, scoreHint?: number): Promise<Match[]> {
  if (scoreHint !== undefined && Number.isFinite(scoreHint)) {
    const reply = await redis.zrangebyscoreBuffer(key, scoreHint, scoreHint, 'WITHSCORES');
    const found = collect(reply, id);
    if (found.length > 0) return found;
  }
  const pattern = idMatchPattern(id);
  const seen = new Map<string, Match>(); // ZSCAN may return a member twice
  let cursor = '0';
  do {
    const [next, reply] =
      pattern === '*'
        ? await redis.zscanBuffer(key, cursor, 'COUNT', CHUNK)
        : await redis.zscanBuffer(key, cursor, 'MATCH', pattern, 'COUNT', CHUNK);
    cursor = String(next);
    for (const match of collect(reply, id)) seen.set(bytesKey(match.member), match);
  } while (cursor !== '0');
  return [...seen.values()];
}

function collect(reply: readonly Buffer[], id: string): Match[] {
  const out: Match[] = [];
  for (let i = 0; i + 1 < reply.length; i += 2) {
    const match = matchOf(fromReply(reply[i]!), reply[i + 1]!.toString(), id);
    if (match) out.push(match);
  }
  return out;
}

/** ZREM each member separately (one round trip) and return the ones this call removed. */
export async function removeEach(redis: Redis, key: string, matches: readonly Match[]): Promise<Match[]> {
  if (matches.length === 0) return [];
  const pipe = redis.pipeline();
  for (const { member } of matches) pipe.zrem(key, member);
  const results = (await pipe.exec()) ?? [];
  const removed: Match[] = [];
  results.forEach(([error, reply], i) => {
    if (error) throw error;
    if (Number(reply) === 1) removed.push(matches[i]!);
  });
  return removed;
}

/** Members read per step of a streamed listing: one short ZRANGE each. */
export const STREAM_BATCH = 1000;

/**
 * Every member of the set in ascending score order, one batch of ZRANGE by
 * rank at a time, the next batch requested before this one is handed out:
 * memory stays one or two batches whatever the set's size. A member moved or
 * removed meanwhile may be missed or seen twice, as in any paged view of a
 * live set. With `jobName`, only members of that name are yielded.
 */
export async function* streamSet(
  redis: Redis,
  key: string,
  { jobName, batchSize = STREAM_BATCH, signal }: { jobName?: string; batchSize?: number; signal?: AbortSignal } = {},
): AsyncGenerator<JobEntry> {
  const read = (start: number) => {
    const reply = redis.zrangeBuffer(key, start, start + batchSize - 1, 'WITHSCORES');
    reply.catch(() => undefined); // awaited below, unless the caller stopped early: never an unhandled rejection
    return reply;
  };
  let next = read(0);
  for (let start = 0; ; start += batchSize) {
    const reply = await next;
    const full = reply.length === batchSize * 2;
    if (full && !signal?.aborted) next = read(start + batchSize);
    for (let i = 0; i + 1 < reply.length; i += 2) {
      const raw = textOf(fromReply(reply[i]!));
      if (jobName !== undefined && !isNamed(raw, jobName)) continue;
      yield jobEntryFromMember(raw, reply[i + 1]!.toString());
    }
    if (!full || signal?.aborted) return;
  }
}
