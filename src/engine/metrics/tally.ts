// A pool's durable-metric counts not yet sent: runs are tallied as they are
// acknowledged and sent once a second, with whatever acknowledgement goes
// then. At tens of thousands of jobs a second that is one set of HINCRBYs a
// second instead of one per batch.
import { NameCounts, type FinishedRun } from './job-counts.js';

/** Per job name, field/increment pairs, flat (ack-jobs.ts's MetricCounts). */
export type TakenCounts = Map<string, Array<string | number>>;

export class MetricsTally {
  /** Runs since the last send, per job name, as plain numbers. */
  private counts = new Map<string, NameCounts>();
  /** Counts taken for a send that failed (giveBack), per job name: field -> increment. */
  private returned = new Map<string, Map<string, number>>();
  private lastSentMs = 0;

  constructor(private readonly everyMs = 1000) {}

  get pending(): boolean {
    return this.counts.size > 0 || this.returned.size > 0;
  }

  add(name: string, run: FinishedRun): void {
    let counts = this.counts.get(name);
    if (!counts) {
      counts = new NameCounts();
      this.counts.set(name, counts);
    }
    counts.add(run);
  }

  /** The counts to send now (and forget), when a second has passed or `force`; undefined otherwise. */
  take(nowMs: number, force = false): TakenCounts | undefined {
    if (!this.pending || (!force && nowMs - this.lastSentMs < this.everyMs)) return undefined;
    this.lastSentMs = nowMs;
    const merged = this.returned;
    for (const [name, counts] of this.counts) addPairs(merged, name, counts.fields(name));
    this.counts = new Map();
    this.returned = new Map();
    const out: TakenCounts = new Map();
    for (const [name, fields] of merged) out.set(name, [...fields].flat());
    return out;
  }

  /** Counts that were taken but could not be sent: kept for the next time. */
  giveBack(taken: ReadonlyMap<string, ReadonlyArray<string | number>>): void {
    for (const [name, flat] of taken) addPairs(this.returned, name, flat);
  }
}

function addPairs(into: Map<string, Map<string, number>>, name: string, flat: ReadonlyArray<string | number>): void {
  let fields = into.get(name);
  if (!fields) {
    fields = new Map();
    into.set(name, fields);
  }
  for (let i = 0; i < flat.length; i += 2) {
    const field = String(flat[i]);
    fields.set(field, (fields.get(field) ?? 0) + Number(flat[i + 1]));
  }
}
