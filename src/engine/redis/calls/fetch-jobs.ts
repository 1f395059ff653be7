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

/**
 * `position` is where the pool's walk through its priorities stands, in
 * [0, 1) (the script's header says why it walks instead of drawing at
 * random); the next call goes on from nextDrawPosition(position, want).
 */
export function fetchJobsCall(keys: string[], priorities: readonly string[], poolId: string, want: number, position: number): ScriptCall<FetchedEntry[]> {
  return { script: 'fetch-jobs-var', keys, args: [poolId, want, String(position), ...priorities], replyAs: 'buffers', parse: parseFetchReply };
}

/** The golden ratio's fractional part: the step of the script's walk. */
export const DRAW_STEP = 0.6180339887498949;

/**
 * Where the walk stands after a call that may take `want` jobs. Reserved when
 * the call is sent, so that two calls in flight walk on from each other
 * rather than both from the same place; a call that takes fewer jobs leaves
 * a gap, which costs a little evenness and nothing else.
 */
export function nextDrawPosition(position: number, want: number): number {
  const next = (position + want * DRAW_STEP) % 1;
  return next >= 0 && next < 1 ? next : 0;
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
