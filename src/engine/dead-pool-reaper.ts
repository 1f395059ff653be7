// Rescues the jobs of pools that stopped heartbeating (crashed, killed, lost
// their host) and repairs lock counts. gocraft reaps every 10 minutes; we check
// every few seconds, because a crashed pool's jobs wait until someone does.
import { epochSeconds } from './clock.js';
import {
  heartbeatKey,
  inProgressKey,
  knownJobsKey,
  lockInfoKey,
  lockKey,
  queueKey,
  wakeChannel,
  workerPoolsKey,
} from './keys.js';
import { PeriodicTask } from './periodic-task.js';
import type { PoolContext } from './pool-context.js';
import { runScript } from './redis/scripts.js';

export interface ReaperOptions {
  intervalMs: number;
  /** A pool whose heartbeat is this old is dead. gocraft uses 10 s; keep it above 2 heartbeats. */
  deadAfterMs: number;
  /** The reaping pool's own job names, used when a dead pool's names are unknown. */
  ownJobNames: readonly string[];
  /** Whether this pool's own heartbeats are steady; if not, Redis was away and every heartbeat looks old. */
  canJudge?: () => boolean;
  onReaped?: (deadPoolId: string, requeued: number) => void;
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
    const beats = others.length > 0 ? ((await pipe.exec()) ?? []) : [];
    // Judge only on fresh evidence: if our own beats were held up too, the
    // heartbeats read above are old because Redis was away, not their pools.
    const canJudge = this.options.canJudge?.() ?? true;
    const now = epochSeconds(this.ctx.clock);
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
      requeued += await this.reap(others[i]!, beatAt ?? '', names);
    }

    requeued += await this.repairLocks(unique([...knownNames, ...this.options.ownJobNames]), new Set(poolIds));
    return requeued;
  }

  private async reap(deadPoolId: string, judgedBeat: string, jobNames: readonly string[]): Promise<number> {
    const { redis, prefix } = this.ctx;
    const keys = [workerPoolsKey(prefix), heartbeatKey(prefix, deadPoolId)];
    for (const name of jobNames) {
      keys.push(inProgressKey(prefix, name, deadPoolId), queueKey(prefix, name), lockKey(prefix, name), lockInfoKey(prefix, name));
    }
    const moved = Number(await runScript(redis, 'reap-pool-var', keys, [deadPoolId, judgedBeat, wakeChannel(prefix)]));
    if (moved >= 0) this.options.onReaped?.(deadPoolId, moved);
    return Math.max(moved, 0);
  }

  /**
   * Make lock equal the sum of lock_info shares, and rescue pools that hold
   * shares without being registered (their heartbeat vanished): gocraft never
   * finds those, so their jobs and lock counts stay stuck forever.
   */
  private async repairLocks(jobNames: readonly string[], registered: ReadonlySet<string>): Promise<number> {
    if (jobNames.length === 0) return 0;
    const { redis, prefix } = this.ctx;
    const keys = [workerPoolsKey(prefix)];
    for (const name of jobNames) keys.push(lockKey(prefix, name), lockInfoKey(prefix, name));
    const orphans = (await runScript<string[]>(redis, 'repair-locks-var', keys, [])) ?? [];
    const seen = new Set<string>();
    let requeued = 0;
    for (let i = 0; i + 1 < orphans.length; i += 2) {
      const lockInfo = orphans[i]!;
      const pool = orphans[i + 1]!;
      if (pool === this.ctx.poolId || registered.has(pool)) continue;
      const id = `${lockInfo} ${pool}`;
      seen.add(id);
      // A pool may take a job a moment before its first heartbeat: act on the second sighting.
      if (!this.suspects.has(id)) continue;
      const name = jobNameFromLockInfo(prefix, lockInfo);
      if (name !== undefined) requeued += await this.reap(pool, '', [name]);
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
