// fetch-jobs-var.lua: take up to N jobs for one pool, drawn by priority.
import { fromReply, type RedisBytes } from '../../codec/redis-bytes.js';
import type { ScriptCall } from '../script-call.js';

/** The six keys of one job type, and its priority. */
export interface FetchType {
  queue: string;
  inProgress: string;
  paused: string;
  lock: string;
  lockInfo: string;
  maxConcurrency: string;
  priority: number;
}

export interface FetchedEntry {
  /** Index into the request's types. */
  type: number;
  /** Exactly as popped (redis-bytes.ts). */
  bytes: RedisBytes;
  /** Times reapers put the job back after its pool died running it. */
  rescues: number;
}

/**
 * The keys of a pool's fetch, built once per pool: they do not change between
 * calls, and a pool fetches often.
 */
export function fetchKeys(rescues: string, types: readonly FetchType[]): string[] {
  const keys = [rescues];
  for (const t of types) keys.push(t.queue, t.inProgress, t.paused, t.lock, t.lockInfo, t.maxConcurrency);
  return keys;
}

export function fetchJobsCall(keys: string[], priorities: readonly string[], poolId: string, want: number, seed: number): ScriptCall<FetchedEntry[]> {
  return { script: 'fetch-jobs-var', keys, args: [poolId, want, seed, ...priorities], replyAs: 'buffers', parse: parseFetchReply };
}

/** {type, bytes, rescues, …} flat, types 1-based in Lua. */
export function parseFetchReply(reply: unknown): FetchedEntry[] {
  const flat = reply as Array<number | Buffer>;
  const out: FetchedEntry[] = [];
  for (let i = 0; i + 2 < flat.length; i += 3) {
    out.push({ type: Number(flat[i]) - 1, bytes: fromReply(flat[i + 1] as Buffer), rescues: Number(flat[i + 2]) });
  }
  return out;
}
