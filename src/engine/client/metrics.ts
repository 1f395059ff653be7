// Reading the durable metrics pools write with their acknowledgements.
import type { Redis } from 'ioredis';
import { metricsHourKey, metricsMinuteKey } from '../codec/keys.js';
import { summarize, windowBuckets, type JobMetrics } from '../metrics/summary.js';
import { execOrThrow } from '../redis/pipeline.js';

export interface MetricsWindow {
  /** The window's length asked for, in seconds, and the one read (whole minutes or hours). */
  seconds: number;
  minutes: number;
  /** Redis's clock when read. */
  now: number;
  jobs: JobMetrics[];
}

/**
 * Per job name over the last `seconds` (up to 30 days): one pipeline of
 * HGETALLs. `ended`: only minutes (hours) that have ended, whose counts no
 * longer change.
 */
export async function readMetrics(redis: Redis, prefix: string, seconds: number, ended = false): Promise<MetricsWindow> {
  const [now] = await redis.time();
  const nowSeconds = Number(now);
  const { unit, starts, minutes } = windowBuckets(nowSeconds, seconds, ended);
  const pipe = redis.pipeline();
  for (const start of starts) pipe.hgetall(unit === 'm' ? metricsMinuteKey(prefix, start) : metricsHourKey(prefix, start));
  const hashes = (await execOrThrow(pipe)) as Array<Record<string, string>>;
  return { seconds, minutes, now: nowSeconds, jobs: summarize(hashes, minutes) };
}
