// Rescues the jobs of pools whose heartbeat grew old, and repairs lock
// counts. gocraft reaps every 10 minutes; this checks every few seconds,
// because a crashed pool's jobs wait until someone does. It judges any pool,
// Go's too, and catches hosts that vanished without closing their
// connections; pools of ours whose process died are found sooner by the
// presence watcher (presence-watcher.ts).
import { epochSeconds } from '../clock.js';
import { heartbeatKey, knownJobsKey, lockInfoKey, lockKey, workerPoolsKey } from '../codec/keys.js';
import { repairLocksCall } from '../redis/calls/reap-pool.js';
import { send } from '../redis/script-call.js';
import { PeriodicTask } from './periodic-task.js';
import type { PoolContext } from './pool-context.js';
import { reapPool, type OnReaped } from './reap-pool.js';

export interface ReaperOptions {
  intervalMs: number;
  /** A pool whose heartbeat is this old is dead. gocraft uses 10 s; keep it above 2 heartbeats. */
  deadAfterMs: number;
  /** The reaping pool's own job names, used when a dead pool's names are unknown. */
  ownJobNames: readonly string[];
  /** Whether this pool's own heartbeats are steady; if not, Redis was away and every heartbeat looks old. */
  canJudge?: () => boolean;
  onReaped?: OnReaped;
}

export class DeadPoolReaper {
  private readonly task: PeriodicTask;
  /** Pools seen holding lock shares without being registered, by "lockInfoKey pool". */
  private suspects = new Set<string>();

  constructor(
    private readonly ctx: PoolContext,
    private readonly options: ReaperOptions,
  ) {
    this.task = new PeriodicTask(() => this.step().then(() => undefined), {
      intervalMs: options.intervalMs,
      jitterMs: options.intervalMs / 2,
      firstDelayMs: options.intervalMs,
      onError: (error) => ctx.report('reaper', error),
    });
  }

  start(): void {
    this.task.start();
  }

  stop(): Promise<void> {
    return this.task.stop();
  }

  /** One pass: reap dead pools, then repair lock counts. Returns jobs requeued. */
  async step(): Promise<number> {
    const { redis, prefix, poolId } = this.ctx;
    const [poolIds, knownNames] = await Promise.all([
      redis.smembers(workerPoolsKey(prefix)),
      redis.smembers(knownJobsKey(prefix)),
    ]);
    const others = poolIds.filter((id) => id !== poolId);
    const pipe = redis.pipeline();
    for (const id of others) pipe.hmget(heartbeatKey(prefix, id), 'heartbeat_at', 'job_names');
    // Ages are judged on Redis's clock, which stamps work pools' beats
    // (heartbeat-2.lua): this host's clock may be off by any amount.
    pipe.time();
    const replies = others.length > 0 ? ((await pipe.exec()) ?? []) : [];
    const beats = replies.slice(0, others.length);
    const [timeError, time] = replies[others.length] ?? [null, null];
    // Judge only on fresh evidence: if our own beats were held up too, the
    // heartbeats read above are old because Redis was away, not their pools.
    const canJudge = (this.options.canJudge?.() ?? true) && !timeError;
    const now = time ? Number((time as [string, string])[0]) : epochSeconds(this.ctx.clock);
    const deadAfter = this.options.deadAfterMs / 1000;
    const fallbackNames = unique([...knownNames, ...this.options.ownJobNames]);

    let requeued = 0;
    for (let i = 0; canJudge && i < others.length; i++) {
      const [error, value] = beats[i] ?? [null, null];
      if (error) continue;
      const [beatAt, jobNames] = (value as [string | null, string | null]) ?? [null, null];
      const beat = beatAt === null ? undefined : Number(beatAt);
      if (beat !== undefined && Number.isFinite(beat) && beat + deadAfter > now) continue;
      const names = jobNames ? jobNames.split(',').filter(Boolean) : fallbackNames;
      requeued += await reapPool(this.ctx, others[i]!, beatAt ?? '', names, this.options.onReaped);
    }

    requeued += await this.repairLocks(unique([...knownNames, ...this.options.ownJobNames]), new Set(poolIds));
    return requeued;
  }

  /**
   * Make lock equal the sum of lock_info shares, and rescue pools that hold
   * shares without being registered (their heartbeat vanished): gocraft never
   * finds those, so their jobs and lock counts stay stuck forever.
   */
  private async repairLocks(jobNames: readonly string[], registered: ReadonlySet<string>): Promise<number> {
    if (jobNames.length === 0) return 0;
    const { redis, prefix } = this.ctx;
    const orphans = await send(redis, repairLocksCall(workerPoolsKey(prefix), jobNames.map((name) => ({ lock: lockKey(prefix, name), lockInfo: lockInfoKey(prefix, name) }))));
    const seen = new Set<string>();
    let requeued = 0;
    for (const { lockInfo, poolId: pool } of orphans) {
      if (pool === this.ctx.poolId || registered.has(pool)) continue;
      const id = `${lockInfo} ${pool}`;
      seen.add(id);
      // A pool may take a job a moment before its first heartbeat: act on the second sighting.
      if (!this.suspects.has(id)) continue;
      const name = jobNameFromLockInfo(prefix, lockInfo);
      if (name !== undefined) requeued += await reapPool(this.ctx, pool, '', [name], this.options.onReaped);
    }
    this.suspects = seen;
    return requeued;
  }
}

function jobNameFromLockInfo(prefix: string, key: string): string | undefined {
  const head = `${prefix}jobs:`;
  const tail = ':lock_info';
  if (!key.startsWith(head) || !key.endsWith(tail)) return undefined;
  return key.slice(head.length, key.length - tail.length);
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
