// The durable counters a batch of finished jobs adds, per job name: how many
// finished, failed, were retried or went to dead, and histogram counts of
// their run times and queue latencies. Worked out on the client and sent
// with the acknowledgement (ack-jobs-var.lua adds them to the counters of
// the current minute and hour), so counting costs no round trip. Pure.
import { bucketOf, LATENCY_S_BOUNDS, RUN_MS_BOUNDS } from './buckets.js';

/** What a pool knows of one finished run. */
export interface FinishedRun {
  outcome: 'ok' | 'retry' | 'dead' | 'discard';
  runMs: number;
  /** Seconds from enqueue ("t") to start; undefined when unknown (the entry was not a job). */
  waitedSeconds: number | undefined;
}

/**
 * Field names in the metrics hashes: `<kind>:<job name>`, and for histogram
 * buckets `<kind>:<bucket>:<job name>`. The name comes last because a Go
 * job's name may contain ':'.
 */
export const FIELD = {
  done: (name: string) => `done:${name}`,
  failed: (name: string) => `failed:${name}`,
  retried: (name: string) => `retried:${name}`,
  dead: (name: string) => `dead:${name}`,
  run: (bucket: number, name: string) => `run:${bucket}:${name}`,
  latency: (bucket: number, name: string) => `lat:${bucket}:${name}`,
} as const;

/** Field/increment pairs for one name's runs, flat, as ack-jobs-var.lua takes them. */
export function countsOf(name: string, runs: readonly FinishedRun[]): Array<string | number> {
  const adds = new Map<string, number>();
  const add = (field: string) => adds.set(field, (adds.get(field) ?? 0) + 1);
  for (const run of runs) {
    add(FIELD.done(name));
    if (run.outcome !== 'ok') add(FIELD.failed(name));
    if (run.outcome === 'retry') add(FIELD.retried(name));
    if (run.outcome === 'dead') add(FIELD.dead(name));
    add(FIELD.run(bucketOf(RUN_MS_BOUNDS, run.runMs), name));
    if (run.waitedSeconds !== undefined) add(FIELD.latency(bucketOf(LATENCY_S_BOUNDS, Math.max(0, run.waitedSeconds)), name));
  }
  const flat: Array<string | number> = [];
  for (const [field, n] of adds) flat.push(field, n);
  return flat;
}
