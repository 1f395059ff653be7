// Moving one scheduled or retry job onto its queue now, ahead of its time,
// as the requeuer would move it when due (same script, same rewrite).
import type { Redis } from 'ioredis';
import { epochSeconds, type Clock } from '../clock.js';
import { NotRetriedError } from '../errors.js';
import { moveMembersToQueues } from '../redis/move-to-queues.js';
import { findById } from './job-sets.js';

export interface RunNowContext {
  redis: Redis;
  prefix: string;
  clock: Clock;
}

/**
 * Move the member with this id from `key` (the scheduled or retry set) to its
 * queue with "t" set to now. Of several members with the id, the one due
 * last. Throws NotRetriedError when nothing moved (gone meanwhile, or its
 * queue key holds another type).
 */
export async function runNow(ctx: RunNowContext, key: string, set: string, id: string, scoreHint?: number): Promise<void> {
  const matches = await findById(ctx.redis, key, id, scoreHint);
  const match = matches.reduce<(typeof matches)[number] | undefined>((best, m) => (best === undefined || m.score > best.score ? m : best), undefined);
  if (!match) throw new NotRetriedError(`nothing moved: no ${set} job with id ${JSON.stringify(id)}`);
  const moved = await moveMembersToQueues({ redis: ctx.redis, prefix: ctx.prefix }, key, [match.member], epochSeconds(ctx.clock));
  if (moved === 0) throw new NotRetriedError(`nothing moved: ${set} job ${JSON.stringify(id)} was taken meanwhile, or its queue key holds another type`);
}
