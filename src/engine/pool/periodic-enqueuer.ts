// Schedules the next few minutes of cron occurrences for the pool's periodic
// jobs. Every pool does it on its own cadence; members are deterministic, so
// the same occurrence is stored once however many pools add it.
import { epochSeconds } from '../clock.js';
import { lastPeriodicEnqueueKey, scheduledKey } from '../codec/keys.js';
import { PeriodicTask } from './periodic-task.js';
import { periodicOccurrences } from './periodic-schedule.js';
import type { PoolContext } from './pool-context.js';
import { periodicEnqueueCall } from '../redis/calls/periodic-enqueue.js';
import { send } from '../redis/script-call.js';

export interface PeriodicJob {
  name: string;
  spec: string;
}

/** gocraft schedules occurrences up to 4 minutes ahead, every 2 minutes (+ up to 29 s). */
export const PERIODIC_HORIZON_SECONDS = 240;
export const PERIODIC_INTERVAL_MS = 120_000;

export class PeriodicEnqueuer {
  private readonly task: PeriodicTask;

  constructor(
    private readonly ctx: PoolContext,
    private readonly jobs: readonly PeriodicJob[],
    private readonly timezone?: string,
    intervalMs = PERIODIC_INTERVAL_MS,
  ) {
    this.task = new PeriodicTask(() => this.step().then(() => undefined), {
      intervalMs,
      jitterMs: 29_000 * (intervalMs / PERIODIC_INTERVAL_MS),
      onError: (error) => ctx.report('periodic', error),
    });
  }

  start(): void {
    this.task.start();
  }

  stop(): Promise<void> {
    return this.task.stop();
  }

  /** One pass; returns how many occurrences were newly scheduled. */
  async step(): Promise<number> {
    const now = epochSeconds(this.ctx.clock);
    const occurrences = periodicOccurrences(this.jobs, now, PERIODIC_HORIZON_SECONDS, { timezone: this.timezone });
    const { redis, prefix } = this.ctx;
    return send(redis, periodicEnqueueCall(scheduledKey(prefix), lastPeriodicEnqueueKey(prefix), now, occurrences));
  }
}
