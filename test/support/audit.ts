// The reliability audit: every job whose enqueue resolved must be somewhere,
// either run to completion (as its handler recorded) or filed in retry or
// dead, and once the cluster is idle nothing may be left in an in-progress
// list and every lock count must be back to 0. Fault tests call auditJobs()
// after the fault and expectNothingLost() on the result.
import type { Redis } from 'ioredis';
import { expect } from 'vitest';
import { deadKey, queueKey, retryKey, scheduledKey } from '../../src/engine/codec/keys.js';
import { namespaceKeys } from './redis.js';

export interface LockCount {
  /** GET <name>:lock, as a number (missing = 0). */
  lock: number;
  /** Every pool's share in <name>:lock_info that is not 0, by pool id. */
  shares: Record<string, number>;
}

export interface Audit {
  enqueued: number;
  /** Enqueued jobs that ran to completion at least once. */
  completed: number;
  /** Enqueued jobs that completed more than once (at least once delivery). */
  ranTwice: number;
  /** The highest number of completed runs of one job. */
  mostRuns: number;
  retry: number;
  dead: number;
  queued: number;
  scheduled: number;
  /** Entries left in in-progress lists, of any pool and name. */
  inProgress: number;
  /** Enqueued jobs found nowhere: neither completed, nor in retry, dead, a queue or in progress. */
  lost: string[];
  /** Per job name that has a lock or lock_info key. */
  locks: Record<string, LockCount>;
}

/** Completed runs recorded by worker processes: HINCRBY <key> <job id> 1. */
export async function runsFromHash(redis: Redis, key: string): Promise<Map<string, number>> {
  const flat = await redis.hgetall(key);
  return new Map(Object.entries(flat).map(([id, n]) => [id, Number(n)]));
}

/** A job id from queue or set member bytes; undefined for entries that are not jobs. */
function idOf(member: string): string | undefined {
  try {
    const value: unknown = JSON.parse(member);
    return value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string' ? (value as { id: string }).id : undefined;
  } catch {
    return undefined;
  }
}

export async function auditJobs(
  redis: Redis,
  prefix: string,
  { ids, runs, names }: { ids: readonly string[]; runs: ReadonlyMap<string, number>; names: readonly string[] },
): Promise<Audit> {
  const [retry, dead, scheduled] = await Promise.all([retryKey(prefix), deadKey(prefix), scheduledKey(prefix)].map((k) => redis.zrange(k, 0, -1)));
  const queued = (await Promise.all(names.map((n) => redis.lrange(queueKey(prefix, n), 0, -1)))).flat();
  const keys = await namespaceKeys(redis, prefix);
  const inProgressKeys = keys.filter((k) => k.startsWith(`${prefix}jobs:`) && k.endsWith(':inprogress'));
  const inProgress = (await Promise.all(inProgressKeys.map((k) => redis.lrange(k, 0, -1)))).flat();

  const where = new Set<string>();
  for (const member of [...retry!, ...dead!, ...scheduled!, ...queued, ...inProgress]) {
    const id = idOf(member);
    if (id !== undefined) where.add(id);
  }
  const lost = ids.filter((id) => !(runs.get(id) ?? 0) && !where.has(id));
  const counts = ids.map((id) => runs.get(id) ?? 0);

  const locks: Record<string, LockCount> = {};
  const head = `${prefix}jobs:`;
  for (const key of keys) {
    const match = key.startsWith(head) ? /^(.*):(lock|lock_info)$/.exec(key.slice(head.length)) : null;
    if (!match) continue;
    const name = match[1]!;
    const entry = (locks[name] ??= { lock: 0, shares: {} });
    if (match[2] === 'lock') entry.lock = Number(await redis.get(key));
    else {
      for (const [pool, share] of Object.entries(await redis.hgetall(key))) if (Number(share) !== 0) entry.shares[pool] = Number(share);
    }
  }

  return {
    enqueued: ids.length,
    completed: counts.filter((n) => n > 0).length,
    ranTwice: counts.filter((n) => n > 1).length,
    mostRuns: Math.max(0, ...counts),
    retry: retry!.length,
    dead: dead!.length,
    queued: queued.length,
    scheduled: scheduled!.length,
    inProgress: inProgress.length,
    lost,
    locks,
  };
}

/** The bar every fault test holds the cluster to once it is idle again. */
export function expectNothingLost(audit: Audit): void {
  expect(audit.lost, 'jobs lost').toEqual([]);
  expect(audit.inProgress, 'entries left in in-progress lists').toBe(0);
  for (const [name, { lock, shares }] of Object.entries(audit.locks)) {
    expect(lock, `${name}:lock`).toBe(0);
    expect(shares, `${name}:lock_info`).toEqual({});
  }
}

/** One line for the test log: what the audit found. */
export function describeAudit(label: string, audit: Audit): string {
  const { enqueued, completed, ranTwice, mostRuns, retry, dead, queued, inProgress, lost } = audit;
  return `${label}: enqueued ${enqueued}, completed ${completed}, ran twice ${ranTwice} (most runs ${mostRuns}), retry ${retry}, dead ${dead}, queued ${queued}, in progress ${inProgress}, lost ${lost.length}`;
}

/** Whether the cluster has come to rest: nothing queued or in progress, every job accounted for, every lock back to 0. */
export function atRest(audit: Audit): boolean {
  const locksFree = Object.values(audit.locks).every(({ lock, shares }) => lock === 0 && Object.keys(shares).length === 0);
  return audit.lost.length === 0 && audit.queued === 0 && audit.inProgress === 0 && locksFree;
}

/**
 * Audits until the cluster is at rest or time runs out, and returns the last
 * audit either way: expectNothingLost() on it then shows what is wrong.
 */
export async function auditAtRest(read: () => Promise<Audit>, timeoutMs = 20_000): Promise<Audit> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const audit = await read();
    if (atRest(audit) || Date.now() > deadline) return audit;
    await new Promise((r) => setTimeout(r, 100));
  }
}
