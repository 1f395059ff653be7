// reap-pool-var.lua and repair-locks-var.lua: rescue a dead pool's jobs, and
// keep lock counts equal to the shares pools hold.
import { asNumber, type ScriptCall } from '../script-call.js';

export interface ReapNameKeys {
  inProgress: string;
  queue: string;
  lock: string;
  lockInfo: string;
}

export interface Reap {
  workerPools: string;
  heartbeat: string;
  rescues: string;
  names: readonly ReapNameKeys[];
  deadPoolId: string;
  /** heartbeat_at as judged stale ('' when the hash was missing): the script does nothing if it changed. */
  judgedBeat: string;
  wakeChannel: string;
  rescuesTtlSeconds: number;
}

/** Resolves to the jobs requeued, or -1 when the pool beat again since it was judged. */
export function reapPoolCall(r: Reap): ScriptCall<number> {
  const keys = [r.workerPools, r.heartbeat, r.rescues];
  for (const n of r.names) keys.push(n.inProgress, n.queue, n.lock, n.lockInfo);
  return { script: 'reap-pool-var', keys, args: [r.deadPoolId, r.judgedBeat, r.wakeChannel, r.rescuesTtlSeconds], replyAs: 'text', parse: asNumber };
}

/** A lock_info share held by a pool that is not registered. */
export interface OrphanShare {
  lockInfo: string;
  poolId: string;
}

export function repairLocksCall(workerPools: string, locks: ReadonlyArray<{ lock: string; lockInfo: string }>): ScriptCall<OrphanShare[]> {
  const keys = [workerPools];
  for (const l of locks) keys.push(l.lock, l.lockInfo);
  return {
    script: 'repair-locks-var',
    keys,
    args: [],
    replyAs: 'text',
    parse: (reply) => {
      const flat = (reply as string[] | null) ?? [];
      const out: OrphanShare[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) out.push({ lockInfo: flat[i]!, poolId: flat[i + 1]! });
      return out;
    },
  };
}
