// Retry timing. Pure: randomness comes in as a function.

/** Seconds to wait before the next attempt; `fails` counts this failure (1 on the first). */
export type BackoffFn = (job: { fails: number; name: string; id: string }) => number;

/**
 * gocraft's default: fails^4 + 15 + R*(fails+1) seconds, R uniform in 0..29.
 * First retry after 16-74 s, second 31-118 s, third 96-212 s.
 */
export function defaultBackoff(fails: number, random: () => number = Math.random): number {
  const r = Math.floor(random() * 30);
  return fails ** 4 + 15 + r * (fails + 1);
}

export type FailureFate = 'retry' | 'dead' | 'discard';

/**
 * What happens to a job after a failure (`fails` already counts it): retry while
 * attempts remain, then dead, or discarded when the job type skips dead.
 */
export function failureFate(fails: number, maxFails: number, skipDead: boolean): FailureFate {
  if (maxFails - fails > 0) return 'retry';
  return skipDead ? 'discard' : 'dead';
}
