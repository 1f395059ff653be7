// One page of a queue, next to be taken first, and one job of a pool's
// in-progress list: what the console shows when a queue or a busy worker is
// opened. Each is one short read, whatever the queue's length.
import type { Redis } from 'ioredis';
import { inProgressKey, queueKey } from '../codec/keys.js';
import { fromReply, textOf, type RedisBytes } from '../codec/redis-bytes.js';
import { execOrThrow } from '../redis/pipeline.js';
import type { Job } from '../codec/job.js';
import { findInList } from './locate.js';
import { jobEntryFromMember, PAGE_SIZE, pageOffset } from './mapping.js';
import type { JobEntry } from './types.js';

/** A job waiting in a queue; an undecodable entry has zero-valued job fields and `invalid`. */
export type QueuedEntry = Omit<JobEntry, 'score'> & {
  /** Jobs that will be taken before it. */
  ahead: number;
  /** The element's exact bytes, to delete it (redis-bytes.ts); `raw` is only for reading. */
  member: RedisBytes;
};

export interface QueuePage {
  /** Jobs in the queue. */
  count: number;
  jobs: QueuedEntry[];
}

/**
 * Page `page` (1-based, 20 a page) of a queue in the order pools take its
 * jobs: the oldest (the list's far end, where pools take from) first. One
 * round trip: LRANGE of the page and LLEN.
 */
export async function readQueuePage(redis: Redis, prefix: string, jobName: string, page: number): Promise<QueuePage> {
  const key = queueKey(prefix, jobName);
  const first = pageOffset(page);
  // Index -1 is taken next; the page's entries sit at -(first+1) down to -(first+PAGE_SIZE).
  const [range, length] = (await execOrThrow(redis.pipeline().lrangeBuffer(key, -(first + PAGE_SIZE), -(first + 1)).llen(key))) as [Buffer[], number];
  const jobs = range
    .map((b) => fromReply(b))
    .reverse()
    .map((member, i) => {
      const { score: _score, ...entry } = jobEntryFromMember(textOf(member), 0);
      return { ...entry, ahead: first + i, member };
    });
  return { count: Number(length), jobs };
}

/** The job with this id in a pool's in-progress list for `jobName`, if it is still there. */
export async function readInProgressJob(redis: Redis, prefix: string, poolId: string, jobName: string, id: string): Promise<(Job & { raw: string }) | undefined> {
  const [match] = await findInList(redis, inProgressKey(prefix, jobName, poolId), id);
  return match ? { ...match.job, raw: match.raw } : undefined;
}
