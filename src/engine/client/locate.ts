// Finding one job wherever it is: waiting in a queue, in a pool's in-progress
// list, or in the scheduled, retry or dead set. Queues hold no index by id,
// so a lookup walks each list in slices that Redis itself filters
// (find-in-list-1.lua): only matching elements cross the wire.
import type { Redis } from 'ioredis';
import { decodeJob, type Job } from '../codec/job.js';
import { findInListCall } from '../redis/calls/queue-tools.js';
import { send } from '../redis/script-call.js';
import { textOf, type RedisBytes } from '../codec/redis-bytes.js';

/** Elements looked at per script call: each call stays short whatever the list holds. */
const SLICE = 1000;

export interface ListMatch {
  /** Index from the producing end (LPUSH side); the consuming end is the highest index. */
  index: number;
  raw: string;
  /** The element's exact bytes, to remove it. */
  member: RedisBytes;
  job: Job;
}

/** Every element of the list whose decoded id is `id`, found slice by slice. */
export async function findInList(redis: Redis, key: string, id: string, signal?: AbortSignal): Promise<ListMatch[]> {
  const found: ListMatch[] = [];
  // Any encoding of the id holds it literally when it is plain text; otherwise
  // fall back to its longest plain run (members are decoded to confirm).
  const needle = plainRun(id);
  for (let first = 0; ; first += SLICE) {
    if (signal?.aborted) break;
    const { length, matches } = await send(redis, findInListCall(key, first, SLICE, needle));
    for (const { index, value } of matches) {
      const raw = textOf(value);
      try {
        const job = decodeJob(raw);
        if (job.id === id) found.push({ index, raw, member: value, job });
      } catch {
        // not a job: it cannot be the one asked for
      }
    }
    if (first + SLICE >= length) break;
  }
  return found;
}

/** The longest run of the id that every JSON encoder writes literally ('' matches every element). */
function plainRun(id: string): string {
  const runs = id.split(/["\\/<>&\u0000-\u001f\u2028\u2029\ud800-\udfff]/);
  return runs.reduce((best, run) => (run.length > best.length ? run : best), '');
}
