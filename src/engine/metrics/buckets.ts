// Fixed histogram buckets for run times and queue latencies, the same in
// every pool, so counts written by many pools add up (and merge across
// minutes) by plain addition. Pure.

/** Upper bounds of the run-time buckets, in milliseconds; a last bucket holds the rest. */
export const RUN_MS_BOUNDS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000, 300_000] as const;

/**
 * Upper bounds of the queue-latency buckets, in seconds (a job's enqueue
 * time, gocraft's "t", has whole seconds, so finer buckets would be noise).
 */
export const LATENCY_S_BOUNDS = [0, 1, 2, 5, 10, 30, 60, 300, 900, 3600, 21_600, 86_400] as const;

/** The bucket a value falls in: the first whose bound is >= value; bounds.length for the overflow bucket. */
export function bucketOf(bounds: readonly number[], value: number): number {
  for (let i = 0; i < bounds.length; i++) if (value <= bounds[i]!) return i;
  return bounds.length;
}

/**
 * The q-quantile (0..1) of a histogram given as counts per bucket, read the
 * way Prometheus' histogram_quantile reads one: linear within the bucket it
 * falls in, the lower bound of the first bucket being 0. A quantile in the
 * overflow bucket is reported as the last bound (it is at least that).
 * Undefined for an empty histogram.
 */
export function quantile(bounds: readonly number[], counts: readonly number[], q: number): number | undefined {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return undefined;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i] ?? 0;
    if (n > 0 && below + n >= rank) {
      if (i >= bounds.length) return bounds[bounds.length - 1];
      const lower = i === 0 ? 0 : bounds[i - 1]!;
      const upper = bounds[i]!;
      return lower + (upper - lower) * Math.max(0, Math.min(1, (rank - below) / n));
    }
    below += n;
  }
  return bounds[bounds.length - 1];
}
