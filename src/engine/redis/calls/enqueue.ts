// enqueue-1.lua and enqueue-unique-2.lua: put jobs on a queue (or the
// scheduled set), waking idle pools.
import { asNumber, type ScriptCall } from '../script-call.js';

/** Jobs of one name, oldest first; resolves to the queue's length after the push. */
export function enqueueJobsCall(queue: string, wakeChannel: string, name: string, bytes: readonly string[]): ScriptCall<number> {
  return { script: 'enqueue-1', keys: [queue], args: [wakeChannel, name, ...bytes], replyAs: 'text', parse: asNumber };
}

export interface UniqueEnqueue {
  /** The queue, or the scheduled set when runAt is given. */
  target: string;
  marker: string;
  bytes: string;
  /** unique-by-key markers hold the job's bytes, so a refused call updates its args; others hold "1". */
  byKey: boolean;
  runAt?: number;
  ttlSeconds: number;
  wakeChannel: string;
  name: string;
}

/** Resolves to whether the job was enqueued (false: an equal one was waiting). */
export function enqueueUniqueCall(u: UniqueEnqueue): ScriptCall<boolean> {
  return {
    script: 'enqueue-unique-2',
    keys: [u.target, u.marker],
    args: [u.bytes, u.byKey ? u.bytes : '1', u.runAt === undefined ? '' : u.runAt, u.ttlSeconds, u.wakeChannel, u.name],
    replyAs: 'text',
    parse: (reply) => reply === 'ok',
  };
}
