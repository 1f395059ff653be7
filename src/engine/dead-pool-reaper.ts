// Rescues the jobs of pools that died (crashed, killed, lost their host) and
// repairs lock counts. gocraft reaps every 10 minutes; we check every few
// seconds, because a crashed pool's jobs wait until someone does. Two checks:
// - presence (every second): a pool of ours whose process died loses its
//   presence subscription at once (presence.ts); reaped within seconds;
// - heartbeats (every few seconds): any pool, Go's too, whose heartbeat is
//   older than deadAfterMs; this also catches hosts that vanished without
//   closing their connections. Lock counts are repaired on this pass.
import { epochSeconds } from './clock.js';
import {
  heartbeatKey,
  inProgressKey,
  knownJobsKey,
  lockInfoKey,
  lockKey,
  presenceChannel,
  presenceKey,
  queueKey,
  rescuesKey,
  wakeChannel,
  workerPoolsKey,
} from './keys.js';
import { PeriodicTask } from './periodic-task.js';
import type { PoolContext } from './pool-context.js';
import { AbsenceTracker, declaredIntervalMs, pulseValue, ticksPerCheck, unsubscribed } from './presence.js';
import { execOrThrow } from './redis/pipeline.js';
import { send } from './redis/script-call.js';
import { reapPoolCall, repairLocksCall } from './redis/calls/reap-pool.js';

export interface ReaperOptions {
  intervalMs: number;
  /** A pool whose heartbeat is this old is dead. gocraft uses 10 s; keep it above 2 heartbeats. */
  deadAfterMs: number;
  /** The reaping pool's own job names, used when a dead pool's names are unknown. */
  ownJobNames: readonly string[];
  /** Whether this pool's own heartbeats are steady; if not, Redis was away and every heartbeat looks old. */
  canJudge?: () => boolean;
  /** How often presence subscriptions are checked; 0 turns the check off. */
  presenceIntervalMs?: number;
  /** How long a pool's presence subscription must be missing before it is reaped. */
  presenceGraceMs?: number;
  /**
   * How long our own connection has been up without a break (ms). Presence is
   * judged only once it has been up for a few seconds: right after Redis comes
   * back, other pools may still be reconnecting.
   */
  connectedForMs?: () => number;
  onReaped?: (deadPoolId: string, requeued: number) => void;
}

/** How long rescue counts are kept after the last rescue. */
const RESCUES_TTL_SECONDS = 7 * 86_400;

/** Presence is judged only after our own connection has been up this long. */
const PRESENCE_SETTLE_MS = 5000;

export class DeadPoolReaper {
  private readonly task: PeriodicTask;
  private readonly presenceTask: PeriodicTask | undefined;
  private readonly absences: AbsenceTracker;
  private pulses = 0;
  /** Presence ticks left before the next check of the others (see ticksPerCheck). */
  private ticksToCheck = 0;
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
    const presenceMs = options.presenceIntervalMs ?? 0;
    this.absences = new AbsenceTracker(options.presenceGraceMs ?? 3000);
    if (presenceMs > 0) {
      this.presenceTask = new PeriodicTask(() => this.checkPresence().then(() => undefined), {
        intervalMs: presenceMs,
        jitterMs: presenceMs / 2,
        firstDelayMs: presenceMs,
        onError: (error) => ctx.report('reaper.presence', error),
      });
    }
  }

  start(): void {
    this.task.start();
    this.presenceTask?.start();
  }

  async stop(): Promise<void> {
    await Promise.all([this.task.stop(), this.presenceTask?.stop()]);
    // Leave the presence hash before the subscription goes, so nobody sees one without the other.
    if (this.presenceTask) {
      await this.ctx.redis.hdel(presenceKey(this.ctx.prefix), this.ctx.poolId).catch((error) => this.ctx.report('reaper.presence', error));
    }
  }

  /** Our connection was re-established: absences seen before say nothing about other pools. */
  reconnected(): void {
    this.absences.reset();
  }

  /**
   * One presence check: pulse, then reap the pools of ours whose presence
   * subscription has been missing, and whose pulse has stood still, for long
   * enough (presence.ts). Returns jobs requeued.
   */
  async checkPresence(): Promise<number> {
    const { redis, prefix, poolId } = this.ctx;
    // Our own pulse, then the others'. Presence before worker_pools: a pool
    // registers in worker_pools (first heartbeat) before its first pulse, so
    // any pool listed here is already in the worker_pools read after it.
    const pulse = pulseValue(this.options.presenceIntervalMs ?? 0, ++this.pulses);
    if (this.ticksToCheck > 0) {
      this.ticksToCheck--;
      await redis.hset(presenceKey(prefix), poolId, pulse);
      return 0;
    }
    const [, present, poolIds] = (await execOrThrow(
      redis.pipeline().hset(presenceKey(prefix), poolId, pulse).hgetall(presenceKey(prefix)).smembers(workerPoolsKey(prefix)),
    )) as [unknown, Record<string, string>, string[]];
    this.ticksToCheck = ticksPerCheck(poolIds.length) - 1;
    const registered = new Set(poolIds);
    // Pools deregistered or reaped (by Go's reaper too) no longer need watching.
    const gone = Object.keys(present).filter((id) => !registered.has(id));
    if (gone.length > 0) await redis.hdel(presenceKey(prefix), ...gone);
    const watched = Object.keys(present).filter((id) => id !== poolId && registered.has(id));
    const reply = watched.length > 0 ? ((await redis.call('PUBSUB', 'NUMSUB', ...watched.map((id) => presenceChannel(prefix, id)))) as unknown[]) : [];
    const absent = unsubscribed(watched, reply);
    const sightings = absent.map((id) => ({ poolId: id, pulse: present[id] ?? '', intervalMs: declaredIntervalMs(present[id]) }));
    const due = this.absences.observe(sightings, performance.now());
    const settled = (this.options.connectedForMs?.() ?? Infinity) >= PRESENCE_SETTLE_MS;
    if (due.length === 0 || !settled) return 0;
    const pipe = redis.pipeline();
    for (const id of due) pipe.hmget(heartbeatKey(prefix, id), 'heartbeat_at', 'job_names');
    const beats = (await execOrThrow(pipe)) as Array<[string | null, string | null]>;
    let requeued = 0;
    for (let i = 0; i < due.length; i++) {
      const [beatAt, jobNames] = beats[i]!;
      // No heartbeat to name its jobs: the heartbeat pass handles such pools with every known name.
      if (beatAt === null || !jobNames) continue;
      requeued += await this.reap(due[i]!, beatAt, jobNames.split(',').filter(Boolean));
    }
    return requeued;
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
      requeued += await this.reap(others[i]!, beatAt ?? '', names);
    }

    requeued += await this.repairLocks(unique([...knownNames, ...this.options.ownJobNames]), new Set(poolIds));
    return requeued;
  }

  private async reap(deadPoolId: string, judgedBeat: string, jobNames: readonly string[]): Promise<number> {
    const { redis, prefix } = this.ctx;
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
