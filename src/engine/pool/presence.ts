// Fast death detection. Every pool of ours keeps a subscription to a channel
// of its own (`<ns>:presence:<pool>`) on its subscriber connection, and its
// presence check writes a pulse (`<interval>:<count>`) into the
// `<ns>:presence` hash on its main connection each time it runs. When the
// process dies, the kernel closes its sockets and Redis drops the
// subscription at once, long before the heartbeat rule (15 s) would call the
// pool dead. A pool is judged gone only when both signals agree, each seen
// by the observer's own clock over more than one check:
// - its subscription has been missing for the grace period (so a pool that
//   is reconnecting is spared), and
// - its pulse has not moved for longer than it pulses (so a pool that lost
//   only its subscriber connection, while its main connection works, is
//   never taken for dead).
// A pool whose event loop is blocked keeps its connections open: its
// subscription stays, and it is not judged here at all.

export interface Sighting {
  poolId: string;
  /** The pool's pulse as read now. */
  pulse: string;
  /** How often the pool pulses (ms), as it declared it. */
  intervalMs: number;
}

/** How long a pulse must stand still, in pulse intervals: pulses come with up to half an interval of jitter. */
export const QUIET_INTERVALS = 2;

interface Watch {
  absentSince: number;
  pulse: string;
  pulseSince: number;
}

/** Tracks, by the observer's own clock, how long each pool has been missing and its pulse still. */
export class AbsenceTracker {
  private watches = new Map<string, Watch>();

  constructor(private readonly graceMs: number) {}

  /**
   * Record one check: the pools whose subscription is missing now, with their
   * pulses. Returns those missing for the grace period whose pulse has not
   * changed for QUIET_INTERVALS of their interval. A pool seen present (or
   * not listed) starts from scratch the next time it goes missing.
   */
  observe(absent: readonly Sighting[], nowMs: number): string[] {
    const next = new Map<string, Watch>();
    const due: string[] = [];
    for (const { poolId, pulse, intervalMs } of absent) {
      const seen = this.watches.get(poolId);
      const watch: Watch = seen
        ? { absentSince: seen.absentSince, pulse, pulseSince: seen.pulse === pulse ? seen.pulseSince : nowMs }
        : { absentSince: nowMs, pulse, pulseSince: nowMs };
      next.set(poolId, watch);
      const quietMs = Math.max(this.graceMs, QUIET_INTERVALS * intervalMs);
      if (nowMs - watch.absentSince >= this.graceMs && nowMs - watch.pulseSince >= quietMs) due.push(poolId);
    }
    this.watches = next;
    return due;
  }

  /** Forget every sighting (our own connection dropped: what we saw says nothing of theirs). */
  reset(): void {
    this.watches.clear();
  }
}

/** Pool ids whose presence channel has no subscriber, from a PUBSUB NUMSUB reply [channel, count, …] in request order. */
export function unsubscribed(poolIds: readonly string[], numsubReply: readonly unknown[]): string[] {
  return poolIds.filter((_, i) => Number(numsubReply[2 * i + 1]) === 0);
}

/** A pool's pulse as written into the presence hash: its interval, then a count that changes every time. */
export function pulseValue(intervalMs: number, count: number): string {
  return `${intervalMs}:${count}`;
}

/** The pulse interval a pool declared; 5 s when unreadable (a generous guess: it only delays a verdict). */
export function declaredIntervalMs(pulse: string | undefined): number {
  const ms = Number(pulse?.split(':')[0]);
  return Number.isFinite(ms) && ms > 0 ? ms : 5000;
}

/**
 * Every how many presence ticks a pool reads the others: each check reads
 * every pool's pulse and subscription, so a cluster of N pools checking every
 * tick costs N² reads a tick. Past WATCHERS_PER_TICK pools, each pool checks
 * less often, keeping the cluster near that many checks a tick; rescue then
 * takes a few ticks longer. Pulses are written every tick regardless.
 */
export const WATCHERS_PER_TICK = 200;

export function ticksPerCheck(pools: number): number {
  return Math.max(1, Math.ceil(pools / WATCHERS_PER_TICK));
}
