// Moves due jobs from the scheduled and retry sets onto their queues, every
// second. Unlike gocraft (one job per script call, cjson re-encoding, and
// "unknown job" deaths for names this pool does not run), it moves due jobs in
// batches, rewrites only the "t" field of each member, and requeues any name.
import { epochSeconds } from '../clock.js';
import { retryKey, scheduledKey } from '../codec/keys.js';
import { PeriodicTask } from './periodic-task.js';
import type { PoolContext } from './pool-context.js';
import { fromReplies } from '../codec/redis-bytes.js';
import { prepareMove, sendMove } from '../redis/move-to-queues.js';

/** Members moved per script call: small enough to keep each call well under a millisecond or two. */
export const REQUEUE_BATCH = 500;

export class Requeuer {
  private readonly task: PeriodicTask;

  constructor(
    private readonly ctx: PoolContext,
    intervalMs = 1000,
  ) {
    this.task = new PeriodicTask(() => this.step().then(() => undefined), {
      intervalMs,
      jitterMs: intervalMs / 10,
      onError: (error) => ctx.report('requeuer', error),
    });
  }

  start(): void {
    this.task.start();
  }

  stop(): Promise<void> {
    return this.task.stop();
  }

  /** Move everything due now; returns how many jobs were moved. */
  async step(): Promise<number> {
    const { prefix } = this.ctx;
    let moved = 0;
    for (const source of [scheduledKey(prefix), retryKey(prefix)]) {
      // Members a batch left in place (a queue key of the wrong type, see
      // move-to-queues-var.lua) are read past, so they never hold back the
      // due jobs behind them; they are tried again next tick.
      let skip = 0;
      for (;;) {
        const now = epochSeconds(this.ctx.clock);
        const due = fromReplies(await this.ctx.redis.zrangebyscoreBuffer(source, '-inf', now, 'LIMIT', skip, REQUEUE_BATCH));
        if (due.length === 0) break;
        const { moved: n, filed } = await sendMove(this.ctx, prepareMove(prefix, source, due, now));
        moved += n;
        skip += due.length - n - filed;
        if (due.length < REQUEUE_BATCH) break;
      }
    }
    return moved;
  }
}
