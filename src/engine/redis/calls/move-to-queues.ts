// move-to-queues-var.lua: move zset members (scheduled, retry, dead) onto
// their queues, each member sent back as the exact bytes read.
import type { RedisBytes } from '../../codec/redis-bytes.js';
import { asNumber, type ScriptCall } from '../script-call.js';

export interface QueueMove {
  member: RedisBytes;
  /** What goes on the queue ("t" reset, failure fields cleared, …). */
  bytes: string;
  name: string;
  queue: string;
}

/** Resolves to the number of members moved. */
export function moveToQueuesCall(source: string, knownJobs: string, wakeChannel: string, moves: readonly QueueMove[]): ScriptCall<number> {
  const keys = [source, knownJobs];
  const args: RedisBytes[] = [wakeChannel];
  for (const m of moves) {
    keys.push(m.queue);
    args.push(m.member, m.bytes, m.name);
  }
  return { script: 'move-to-queues-var', keys, args, replyAs: 'text', parse: asNumber };
}
