// Finds pools of ours whose process died, within seconds: every pool holds a
// subscription to a channel of its own, which Redis drops the moment its
// process's sockets close, and writes a pulse every second. A pool whose
// subscription has been missing, and whose pulse has stood still, for long
// enough is reaped (the rules are in presence.ts). Go pools hold no such
// subscription: the heartbeat reaper finds those.
import { heartbeatKey, presenceChannel, presenceKey, workerPoolsKey } from '../codec/keys.js';
import { execOrThrow } from '../redis/pipeline.js';
import { PeriodicTask } from './periodic-task.js';
import type { PoolContext } from './pool-context.js';
import { AbsenceTracker, declaredIntervalMs, pulseValue, ticksPerCheck, unsubscribed } from './presence.js';
import { reapPool, type OnReaped } from './reap-pool.js';

export interface PresenceOptions {
  /** How often this pool pulses and checks the others. */
  intervalMs: number;
  /** How long a pool's subscription must be missing before it is reaped. */
  graceMs?: number;
  /**
   * How long our own connection has been up without a break (ms). Presence is
   * judged only once it has been up for a few seconds: right after Redis comes
   * back, other pools may still be reconnecting.
   */
  connectedForMs?: () => number;
  onReaped?: OnReaped;
}

/** Presence is judged only after our own connection has been up this long. */
const PRESENCE_SETTLE_MS = 5000;

export class PresenceWatcher {
  private readonly task: PeriodicTask;
  private readonly absences: AbsenceTracker;
  private pulses = 0;
  /** Ticks left before the next check of the others (see ticksPerCheck). */
  private ticksToCheck = 0;

  constructor(
    private readonly ctx: PoolContext,
    private readonly options: PresenceOptions,
  ) {
    this.absences = new AbsenceTracker(options.graceMs ?? 3000);
    this.task = new PeriodicTask(() => this.checkPresence().then(() => undefined), {
      intervalMs: options.intervalMs,
      jitterMs: options.intervalMs / 2,
      firstDelayMs: options.intervalMs,
      onError: (error) => ctx.report('presence', error),
    });
  }

  start(): void {
    this.task.start();
  }

  async stop(): Promise<void> {
    await this.task.stop();
    // Leave the presence hash before the subscription goes, so nobody sees one without the other.
    await this.ctx.redis.hdel(presenceKey(this.ctx.prefix), this.ctx.poolId).catch((error) => this.ctx.report('presence', error));
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
    const pulse = pulseValue(this.options.intervalMs, ++this.pulses);
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
      requeued += await reapPool(this.ctx, due[i]!, beatAt, jobNames.split(',').filter(Boolean), this.options.onReaped);
    }
    return requeued;
  }
}
