// find-in-list-1.lua, purge-queue-2.lua and delete-queued-job-var.lua: the
// Client's reads and repairs of queues, each one short step inside Redis.
import { fromReply, type RedisBytes } from '../../codec/redis-bytes.js';
import { asNumber, type ScriptCall } from '../script-call.js';

export interface ListSlice {
  /** The list's length when the slice was read. */
  length: number;
  matches: Array<{ index: number; value: RedisBytes }>;
}

export function findInListCall(list: string, first: number, count: number, needle: string): ScriptCall<ListSlice> {
  return {
    script: 'find-in-list-1',
    keys: [list],
    args: [first, count, needle],
    replyAs: 'buffers',
    parse: (reply) => {
      const flat = reply as Array<number | Buffer>;
      const matches: ListSlice['matches'] = [];
      for (let i = 1; i + 1 < flat.length; i += 2) matches.push({ index: Number(flat[i]), value: fromReply(flat[i + 1] as Buffer) });
      return { length: Number(flat[0]), matches };
    },
  };
}

/** Resolves to how many jobs the queue held (now under `purging`). */
export function purgeQueueCall(queue: string, purging: string): ScriptCall<number> {
  return { script: 'purge-queue-2', keys: [queue, purging], args: [], replyAs: 'text', parse: asNumber };
}

export interface QueuedDeletion {
  /** The job was still in the queue, and this call removed it. */
  deleted: boolean;
  /** Its uniqueness marker was deleted with it. */
  markerReleased: boolean;
}

/** Removes one element of exactly `member`'s bytes from the queue, and with it `marker` when given. */
export function deleteQueuedJobCall(queue: string, member: RedisBytes, marker?: string): ScriptCall<QueuedDeletion> {
  return {
    script: 'delete-queued-job-var',
    keys: marker === undefined ? [queue] : [queue, marker],
    args: [member],
    replyAs: 'text',
    parse: (reply) => {
      const [removed, released] = reply as [number, number];
      return { deleted: Number(removed) === 1, markerReleased: Number(released) === 1 };
    },
  };
}
