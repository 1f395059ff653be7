// When a pool sends its next round trip (acknowledge what finished, fetch for
// the free slots). Pure.
//
// A trip's fixed cost (the fetch script's keys and setup in Redis, the
// command and its reply in the pool) is shared by the jobs it carries, so
// trips should carry many. Sending one whenever a slot freed, with a second
// allowed in flight, made them small: a pool of 12 slots carried about 4 jobs
// a fetch and spent 36-53 µs of CPU per no-op job, against 14-17 µs at 200
// slots. So a second trip waits until it can fill at least half the pool
// (the dispatcher also lets the jobs finishing in one turn of the event loop
// all finish first); the first goes at once, which keeps pick-up latency.

/** Round trips a pool keeps on the wire at most. */
export const MAX_TRIPS_IN_FLIGHT = 2;

export interface TripState {
  /** Trips on the wire now. */
  inFlight: number;
  /** Free slots not yet promised to a trip on the wire. */
  want: number;
  /** Finished jobs waiting to be acknowledged. */
  pendingAcks: number;
  /** The pool's slots. */
  concurrency: number;
  /** A stop is under way: acknowledgements go out at once. */
  stopping: boolean;
}

export function shouldStartTrip({ inFlight, want, pendingAcks, concurrency, stopping }: TripState): boolean {
  if (inFlight >= MAX_TRIPS_IN_FLIGHT) return false;
  if (want <= 0 && pendingAcks === 0) return false;
  if (inFlight === 0 || stopping) return true;
  return want >= Math.ceil(concurrency / 2);
}
