// ack-jobs-var.lua: complete a batch of finished jobs (see its header). Jobs
// are grouped by name, so a job that succeeded costs a single argument: every
// argument is copied and framed several times on its way to Redis, and with
// one group per name the keys go once per name, not once per job.
import type { RedisBytes } from '../../codec/redis-bytes.js';

import { asNumber, type ScriptCall } from '../script-call.js';

export type AckOutcome = { kind: 'ok' } | { kind: 'discard' } | { kind: 'retry' | 'dead'; score: number; bytes: string };

export interface Ack {
  /** Exactly as listed in the in-progress list. */
  bytes: RedisBytes;
  name: string;
  outcome: AckOutcome;
}

/** Where the durable metrics go (metrics/), and for how long. */
export interface AckMetrics {
  prefix: string;
  minuteTtlSeconds: number;
  hourTtlSeconds: number;
}

/** Metric increments to add with this call: per job name, field/increment pairs (metrics/job-counts.ts). */
export type MetricCounts = ReadonlyMap<string, ReadonlyArray<string | number>>;

/** The in-progress list, lock and lock_info keys of a job name, in that order. */
export type NameKeys = readonly [string, string, string];

/** retry, dead, processed counter, failed counter, rescues: the same for every batch of a pool. */
export type AckFixedKeys = readonly [string, string, string, string, string];

/** Resolves to the number of jobs that were no longer in their in-progress list. */
export function ackJobsCall(
  acks: readonly Ack[],
  fixedKeys: AckFixedKeys,
  keysOf: (name: string) => NameKeys,
  poolId: string,
  metrics?: { config: AckMetrics; counts: MetricCounts },
): ScriptCall<number> {
  const groups = new Map<string, { ok: RedisBytes[]; failed: Ack[] }>();
  const groupOf = (name: string) => {
    let group = groups.get(name);
    if (!group) {
      group = { ok: [], failed: [] };
      groups.set(name, group);
    }
    return group;
  };
  for (const ack of acks) {
    const group = groupOf(ack.name);
    if (ack.outcome.kind === 'ok') group.ok.push(ack.bytes);
    else group.failed.push(ack);
  }
  // A name with counts to add but no job in this batch still gets a group.
  for (const name of metrics?.counts.keys() ?? []) groupOf(name);
  const keys: string[] = [...fixedKeys];
  const config = metrics?.config;
  const args: RedisBytes[] = config ? [poolId, config.prefix, String(config.minuteTtlSeconds), String(config.hourTtlSeconds)] : [poolId, '', '0', '0'];
  for (const [name, { ok, failed }] of groups) {
    keys.push(...keysOf(name));
    args.push(name, String(ok.length), String(failed.length));
    for (const bytes of ok) args.push(bytes);
    for (const { bytes, outcome } of failed) {
      const filed = outcome.kind === 'retry' || outcome.kind === 'dead';
      args.push(bytes, outcome.kind, filed ? String(outcome.score) : '', filed ? outcome.bytes : '');
    }
    const counts = metrics?.counts.get(name) ?? [];
    args.push(String(counts.length / 2));
    for (const value of counts) args.push(String(value));
  }
  return { script: 'ack-jobs-var', keys, args, replyAs: 'text', parse: asNumber };
}
