// The durable metrics minute by minute, for sparklines: each of the last
// minutes' hashes summarized on its own, and all of them together. Two round
// trips (Redis's clock, then one pipeline of HGETALLs), whatever the traffic.
import type { Redis } from 'ioredis';
import { metricsMinuteKey } from '../codec/keys.js';
import { summarize, windowBuckets, type JobMetrics } from '../metrics/summary.js';
import { execOrThrow } from '../redis/pipeline.js';

export interface MinuteMetrics {
  /** Epoch seconds of the minute's start (Redis's clock). */
  minute: number;
  jobs: JobMetrics[];
}

export interface MetricMinutes {
  /** Redis's clock when read. */
  now: number;
  /** Oldest first, the current (partial) minute last; minutes without a hash have no jobs. */
  minutes: MinuteMetrics[];
  /** The whole window summarized (percentiles over every minute's buckets). */
  window: JobMetrics[];
}

export async function readMetricMinutes(redis: Redis, prefix: string, count: number): Promise<MetricMinutes> {
  const [seconds] = await redis.time();
  const now = Number(seconds);
  const { starts } = windowBuckets(now, count * 60);
  const pipe = redis.pipeline();
  for (const start of starts) pipe.hgetall(metricsMinuteKey(prefix, start));
  const hashes = (await execOrThrow(pipe)) as Array<Record<string, string>>;
  return {
    now,
    minutes: starts.map((minute, i) => ({ minute, jobs: summarize([hashes[i] ?? {}], 1) })),
    window: summarize(hashes, starts.length),
  };
}
