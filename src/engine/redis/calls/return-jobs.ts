// return-jobs-var.lua: give jobs a stopping pool holds back to their queues.
import type { RedisBytes } from '../../codec/redis-bytes.js';
import { asNumber, type ScriptCall } from '../script-call.js';

export interface ReturnedJob {
  bytes: RedisBytes;
  inProgress: string;
  queue: string;
  lock: string;
  lockInfo: string;
}

/** Jobs newest first (the oldest ends at the consuming end); resolves to how many were returned. */
export function returnJobsCall(jobs: readonly ReturnedJob[], poolId: string, wakeChannel: string): ScriptCall<number> {
  const keys: string[] = [];
  const args: RedisBytes[] = [poolId, wakeChannel];
  for (const job of jobs) {
    keys.push(job.inProgress, job.queue, job.lock, job.lockInfo);
    args.push(job.bytes);
  }
  return { script: 'return-jobs-var', keys, args, replyAs: 'text', parse: asNumber };
}
