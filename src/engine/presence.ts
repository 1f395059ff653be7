// Fast death detection. Every pool of ours keeps a subscription to a channel
// of its own (`<ns>:presence:<pool>`) on its subscriber connection. When the
// process dies, the kernel closes its sockets and Redis drops the
// subscription at once, long before the pool's heartbeat grows old; a pool
// whose event loop is merely busy keeps its connection, so it is not
// mistaken for dead. A pool is judged gone only after its subscription has
// been missing for a grace period, seen on more than one check, so a pool
// that is just reconnecting is spared.

/** Tracks, by the observer's own clock, since when each pool's subscription has been missing. */
export class AbsenceTracker {
  private absentSince = new Map<string, number>();

  constructor(private readonly graceMs: number) {}

  /**
   * Record one check: the pools whose subscription is missing now. Returns
   * those missing for at least the grace period. A pool seen present (or
   * not listed) starts from scratch the next time it goes missing.
   */
  observe(absent: readonly string[], nowMs: number): string[] {
    const next = new Map<string, number>();
    const due: string[] = [];
    for (const id of absent) {
      const since = this.absentSince.get(id) ?? nowMs;
      next.set(id, since);
      if (nowMs - since >= this.graceMs) due.push(id);
    }
    this.absentSince = next;
    return due;
  }

  /** Forget every sighting (our own connection dropped: what we saw says nothing of theirs). */
  reset(): void {
    this.absentSince.clear();
  }
}

/** Pool ids whose presence channel has no subscriber, from a PUBSUB NUMSUB reply [channel, count, …] in request order. */
export function unsubscribed(poolIds: readonly string[], numsubReply: readonly unknown[]): string[] {
  return poolIds.filter((_, i) => Number(numsubReply[2 * i + 1]) === 0);
}
