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

/**
 * One job name's runs, counted as plain numbers: a pool adds every run it
 * acknowledges, so counting must not build strings or maps per run (that
 * cost about half a microsecond a job, a tenth of a no-op job's own cost);
 * the field names are made once per send, by fields(). The Prometheus
 * collector of a pool (metrics/pool-metrics.ts) counts its runs in these too.
 */
export class NameCounts {
  done = 0;
  failed = 0;
  retried = 0;
  dead = 0;
  readonly run: number[] = new Array<number>(RUN_MS_BOUNDS.length + 1).fill(0);
  readonly latency: number[] = new Array<number>(LATENCY_S_BOUNDS.length + 1).fill(0);
  /** Run times added up, in ms (a Prometheus histogram's _sum; the durable counters keep none). */
  runMsSum = 0;

  /** Failed runs that were neither retried nor put in dead. */
  get discarded(): number {
    return this.failed - this.retried - this.dead;
  }

  add(run: FinishedRun): void {
    this.done++;
    this.runMsSum += run.runMs;
    if (run.outcome !== 'ok') this.failed++;
    if (run.outcome === 'retry') this.retried++;
    else if (run.outcome === 'dead') this.dead++;
    this.run[bucketOf(RUN_MS_BOUNDS, run.runMs)]!++;
    if (run.waitedSeconds !== undefined) this.latency[bucketOf(LATENCY_S_BOUNDS, Math.max(0, run.waitedSeconds))]!++;
  }

  /** Field/increment pairs, flat, as ack-jobs-var.lua takes them; counts of 0 left out. */
  fields(name: string): Array<string | number> {
    const flat: Array<string | number> = [];
    const put = (field: string, n: number) => {
      if (n > 0) flat.push(field, n);
    };
    put(FIELD.done(name), this.done);
    put(FIELD.failed(name), this.failed);
    put(FIELD.retried(name), this.retried);
    put(FIELD.dead(name), this.dead);
    this.run.forEach((n, bucket) => put(FIELD.run(bucket, name), n));
    this.latency.forEach((n, bucket) => put(FIELD.latency(bucket, name), n));
    return flat;
  }
}

/** Field/increment pairs for one name's runs, flat, as ack-jobs-var.lua takes them. */
export function countsOf(name: string, runs: readonly FinishedRun[]): Array<string | number> {
  const counts = new NameCounts();
  for (const run of runs) counts.add(run);
  return counts.fields(name);
}
