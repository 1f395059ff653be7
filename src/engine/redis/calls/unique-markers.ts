// release-unique-var.lua and swap-in-progress-1.lua: a unique job's marker
// is released as it starts; a unique-by-key marker may name the job to run
// instead of the placeholder that was popped.
import { fromReply, type RedisBytes } from '../../codec/redis-bytes.js';
import type { ScriptCall } from '../script-call.js';

/** Per marker key: its value as it was (exact bytes), or undefined when it was gone. */
export function releaseUniqueCall(markers: readonly string[]): ScriptCall<Array<RedisBytes | undefined>> {
  return {
    script: 'release-unique-var',
    keys: [...markers],
    args: [],
    replyAs: 'buffers',
    parse: (reply) => (reply as Buffer[]).map((value) => (value.length === 0 ? undefined : fromReply(value))),
  };
}

/** Resolves to whether the placeholder was still listed and was replaced. */
export function swapInProgressCall(inProgress: string, listed: RedisBytes, replacement: RedisBytes): ScriptCall<boolean> {
  return { script: 'swap-in-progress-1', keys: [inProgress], args: [listed, replacement], replyAs: 'text', parse: (reply) => Number(reply) === 1 };
}
