// The arguments of one ack-jobs-var call (see its header): finished jobs
// grouped by name, so a job that succeeded costs a single argument. Every
// argument is copied and framed several times on its way to Redis, and with
// one group per name the keys are sent once per name, not once per job.
import type { Outcome } from './job-runner.js';
import type { RedisBytes } from './redis-bytes.js';

export interface Ack {
  /** Exactly as listed in the in-progress list. */
  bytes: RedisBytes;
  name: string;
  outcome: Outcome;
}

/** The in-progress list, lock and lock_info keys of a job name, in that order. */
export type NameKeys = readonly [string, string, string];

export function ackBatchArgs(
  acks: readonly Ack[],
  fixedKeys: readonly string[],
  keysOf: (name: string) => NameKeys,
  poolId: string,
): [keys: string[], args: RedisBytes[]] {
  const groups = new Map<string, { ok: RedisBytes[]; failed: Ack[] }>();
  for (const ack of acks) {
    let group = groups.get(ack.name);
    if (!group) {
      group = { ok: [], failed: [] };
      groups.set(ack.name, group);
    }
    if (ack.outcome.kind === 'ok') group.ok.push(ack.bytes);
    else group.failed.push(ack);
  }
  const keys = [...fixedKeys];
  const args: RedisBytes[] = [poolId];
  for (const [name, { ok, failed }] of groups) {
    keys.push(...keysOf(name));
    args.push(name, String(ok.length), String(failed.length));
    for (const bytes of ok) args.push(bytes);
    for (const { bytes, outcome } of failed) {
      const filed = outcome.kind === 'retry' || outcome.kind === 'dead';
      args.push(bytes, outcome.kind, filed ? String(outcome.score) : '', filed ? outcome.bytes : '');
    }
  }
  return [keys, args];
}
