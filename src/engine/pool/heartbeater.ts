// Tells the cluster this pool is alive: gocraft's worker_pools set and heartbeat
// hash, every 5 s, with the exact fields Go's reaper and Client parse
// (heartbeat_at stamped by Redis's clock, see heartbeat-2.lua).
import { hostname } from 'node:os';
import { epochSeconds } from '../clock.js';
import { heartbeatKey, workerPoolsKey } from '../codec/keys.js';
import { PeriodicTask } from './periodic-task.js';
import { heartbeatCall, type Beat } from '../redis/calls/heartbeat.js';
import { send } from '../redis/script-call.js';
import type { PoolContext } from './pool-context.js';

export interface HeartbeatInfo {
  jobNames: readonly string[];
  concurrency: number;
  workerIds: readonly string[];
}

export class Heartbeater {
  private readonly task: PeriodicTask;
  private startedAt = 0;
  private beats = 0;
  /** When the last beat reached Redis, and since when beats have arrived without a gap (ms). */
  private lastBeatMs: number | undefined;
  private steadySinceMs: number | undefined;

  constructor(
    private readonly ctx: PoolContext,
    private readonly info: HeartbeatInfo,
    private readonly intervalMs: number,
    private readonly onBeat: (at: number) => void = () => {},
    /**
     * Called when a beat finds the pool missing from worker_pools after its
     * first beat: Redis lost its data (a restart without persistence, a
     * failover to a replica that never had it), or a reaper took the pool for
     * dead. The pool writes its settings again.
     */
    private readonly onLost: () => Promise<void> = async () => {},
  ) {
    this.task = new PeriodicTask(() => this.beat(), {
      intervalMs,
      firstDelayMs: intervalMs,
      onError: (error) => ctx.report('heartbeat', error),
    });
  }

  /** Beat once right away (so the pool is registered before it takes a job), then keep beating. */
  async start(): Promise<void> {
    this.startedAt = epochSeconds(this.ctx.clock);
    await this.beat();
    this.task.start();
  }

  async stop(): Promise<void> {
    await this.task.stop();
    const { redis, prefix, poolId } = this.ctx;
    await redis.pipeline().srem(workerPoolsKey(prefix), poolId).del(heartbeatKey(prefix, poolId)).exec();
  }

  async beat(): Promise<void> {
    const { redis, prefix, poolId } = this.ctx;
    let beat: Beat;
    try {
      beat = await send(
        redis,
        heartbeatCall(workerPoolsKey(prefix), heartbeatKey(prefix, poolId), poolId, {
          startedAt: this.startedAt,
          jobNames: [...this.info.jobNames].sort().join(','),
          concurrency: this.info.concurrency,
          workerIds: [...this.info.workerIds].sort().join(','),
          host: hostname() || 'hostname_errored',
          pid: process.pid,
        }),
      );
    } catch (error) {
      this.steadySinceMs = undefined;
      throw error;
    }
    if (beat.added && this.beats > 0) await this.onLost();
    this.beats++;
    const now = this.ctx.clock.nowMs();
    if (this.lastBeatMs === undefined || now - this.lastBeatMs > 2 * this.intervalMs) this.steadySinceMs = now;
    this.lastBeatMs = now;
    this.onBeat(beat.at);
  }

  /**
   * Whether this pool's own beats reach Redis on time now, and have for two
   * intervals. After an outage (Redis paused, restarted, unreachable) every
   * pool's heartbeat looks old; judging others before they have had the time
   * to beat again would reap live pools and run their jobs twice.
   */
  steady(): boolean {
    const now = this.ctx.clock.nowMs();
    if (this.lastBeatMs === undefined || this.steadySinceMs === undefined) return false;
    return now - this.lastBeatMs <= 2 * this.intervalMs && now - this.steadySinceMs >= 2 * this.intervalMs;
  }
}
