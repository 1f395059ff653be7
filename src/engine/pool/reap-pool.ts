// Rescuing one dead pool: its in-progress jobs go back to the front of their
// queues and its registration goes (reap-pool-var.lua). Shared by the two
// roles that find dead pools: the presence watcher and the heartbeat reaper.
import { heartbeatKey, inProgressKey, lockInfoKey, lockKey, queueKey, rescuesKey, wakeChannel, workerPoolsKey } from '../codec/keys.js';
import { reapPoolCall } from '../redis/calls/reap-pool.js';
import { send } from '../redis/script-call.js';
import type { PoolContext } from './pool-context.js';

/** How long rescue counts are kept after the last rescue. */
const RESCUES_TTL_SECONDS = 7 * 86_400;

export type OnReaped = (deadPoolId: string, requeued: number) => void;

/**
 * Reap `deadPoolId` as judged from `judgedBeat` (its heartbeat_at, '' when
 * the hash was missing): nothing is done if it beat again since. Returns the
 * jobs requeued.
 */
export async function reapPool(
  ctx: Pick<PoolContext, 'redis' | 'prefix'>,
  deadPoolId: string,
  judgedBeat: string,
  jobNames: readonly string[],
  onReaped?: OnReaped,
): Promise<number> {
  const { redis, prefix } = ctx;
  const moved = await send(
    redis,
    reapPoolCall({
      workerPools: workerPoolsKey(prefix),
      heartbeat: heartbeatKey(prefix, deadPoolId),
      rescues: rescuesKey(prefix),
      names: jobNames.map((name) => ({ inProgress: inProgressKey(prefix, name, deadPoolId), queue: queueKey(prefix, name), lock: lockKey(prefix, name), lockInfo: lockInfoKey(prefix, name) })),
      deadPoolId,
      judgedBeat,
      wakeChannel: wakeChannel(prefix),
      rescuesTtlSeconds: RESCUES_TTL_SECONDS,
    }),
  );
  if (moved >= 0) onReaped?.(deadPoolId, moved);
  return Math.max(moved, 0);
}
