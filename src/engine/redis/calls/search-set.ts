// search-set-1.lua: one slice of a sorted set, filtered in Redis by the plain
// texts a search needs, each member sent back as the exact bytes read.
import { fromReply, type RedisBytes } from '../../codec/redis-bytes.js';
import type { ScriptCall } from '../script-call.js';

export interface SetSlice {
  /** Members in the set when the slice was read. */
  size: number;
  /** Rank of the slice's first member. */
  start: number;
  /** Members in the slice, sent back or not. */
  length: number;
  /** The slice's last member: the anchor of the next slice. */
  last: RedisBytes | undefined;
  /** The members that hold every text (or may: see the script), with their scores as Redis printed them. */
  candidates: Array<{ member: RedisBytes; score: string }>;
}

/**
 * `needles` must already be folded (ASCII letters in lower case) and plain:
 * see searchNeedles in client/search.ts.
 */
export function searchSetCall(key: string, start: number, count: number, anchor: RedisBytes | undefined, needles: readonly string[]): ScriptCall<SetSlice> {
  return {
    script: 'search-set-1',
    keys: [key],
    args: [start, count, anchor ?? '', ...needles],
    replyAs: 'buffers',
    parse: (reply) => {
      const flat = reply as Array<number | Buffer | null>;
      const candidates: SetSlice['candidates'] = [];
      for (let i = 4; i + 1 < flat.length; i += 2) candidates.push({ member: fromReply(flat[i] as Buffer), score: String(flat[i + 1]) });
      const last = flat[3];
      return { size: Number(flat[0]), start: Number(flat[1]), length: Number(flat[2]), last: Buffer.isBuffer(last) ? fromReply(last) : undefined, candidates };
    },
  };
}
