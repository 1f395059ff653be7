// Pure mapping from Redis replies to Client answers. Nothing here talks to
// Redis, so every rule (how a bad heartbeat reads, how latency is computed,
// what an undecodable member looks like) is tested without a server.
import { errorMessage } from '../errors.js';
import { compareUtf8 } from '../codec/go-json.js';
import { decodeJob, type Job } from '../codec/job.js';
import type { JobEntry, PoolHeartbeat, QueueInfo, ServerInfo, WorkerObservation } from './types.js';

/** gocraft's page size for the scheduled, retry and dead lists. */
export const PAGE_SIZE = 20;

/** Index of the first member of a 1-based page; 0, negatives and non-numbers mean page 1. */
export function pageOffset(page: number): number {
  const n = Number.isFinite(page) ? Math.floor(page) : 1;
  return (Math.max(1, n) - 1) * PAGE_SIZE;
}

/** Names and ids in gocraft's order (Go's sort.Strings: by UTF-8 bytes). */
export function sortNames(names: Iterable<string>): string[] {
  return [...names].sort(compareUtf8);
}

const GO_INT = /^[+-]?[0-9]+$/;

/**
 * Go's strconv.ParseInt(s, 10, 64) as far as JS numbers go: optional sign,
 * digits, nothing else. Undefined when Go would fail (or precision would be lost).
 */
export function parseGoInt(text: string | undefined): number | undefined {
  if (text === undefined || !GO_INT.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n || 0 : undefined;
}

/** A comma-joined heartbeat list, split and sorted; empty parts (Go keeps them) are dropped. */
export function splitList(text: string | undefined): string[] {
  if (!text) return [];
  return sortNames(text.split(',').filter((part) => part !== ''));
}

/** Reads integer fields, noting the first one that does not parse. */
class IntReader {
  problem: string | undefined;

  constructor(private readonly hash: Record<string, string>) {}

  read(field: string, unsigned = false): number {
    const text = this.hash[field];
    if (text === undefined) return 0;
    const n = parseGoInt(text);
    if (n === undefined || (unsigned && (n < 0 || text.startsWith('+')))) {
      this.problem ??= `unparsable ${field} ${JSON.stringify(text)}`;
      return 0;
    }
    return n;
  }
}

/**
 * A heartbeat hash as a PoolHeartbeat. A missing hash (a pool listed in
 * worker_pools whose hash is gone, spec 16.2.2) or an unparsable number does
 * not fail: the pool is still listed, with zeros, and `invalid` says why.
 */
export function heartbeatFromHash(poolId: string, hash: Record<string, string>): PoolHeartbeat {
  const ints = new IntReader(hash);
  const heartbeat: PoolHeartbeat = {
    poolId,
    startedAt: ints.read('started_at'),
    heartbeatAt: ints.read('heartbeat_at'),
    jobNames: splitList(hash.job_names),
    concurrency: ints.read('concurrency', true), // Go parses it as unsigned
    host: hash.host ?? '',
    pid: ints.read('pid'),
    workerIds: splitList(hash.worker_ids),
  };
  if (Object.keys(hash).length === 0) heartbeat.invalid = 'heartbeat hash is missing';
  else if (ints.problem !== undefined) heartbeat.invalid = ints.problem;
  return heartbeat;
}

/** A worker's observation hash; busy when it has any field, as in gocraft. */
export function observationFromHash(workerId: string, poolId: string, hash: Record<string, string>): WorkerObservation {
  const ints = new IntReader(hash);
  const observation: WorkerObservation = {
    workerId,
    poolId,
    isBusy: Object.keys(hash).length > 0,
    jobName: hash.job_name ?? '',
    jobId: hash.job_id ?? '',
    startedAt: ints.read('started_at'),
    argsJson: hash.args ?? '',
    checkin: hash.checkin ?? '',
    checkinAt: ints.read('checkin_at'),
  };
  if (ints.problem !== undefined) observation.invalid = ints.problem;
  return observation;
}

const zeroJob = (): Job => ({ name: '', id: '', enqueuedAt: 0, args: null, unique: false, fails: 0 });

/** A sorted-set member as a JobEntry; an undecodable member is returned, flagged, rather than thrown. */
export function jobEntryFromMember(raw: string, score: number | string): JobEntry {
  const value = Number(score);
  try {
    return { ...decodeJob(raw), score: value, raw };
  } catch (error) {
    return { ...zeroJob(), score: value, raw, invalid: errorMessage(error) };
  }
}

/** Pairs [member, score, member, score, …] from a WITHSCORES reply. */
export function entriesFromWithScores(reply: readonly string[]): JobEntry[] {
  const out: JobEntry[] = [];
  for (let i = 0; i + 1 < reply.length; i += 2) out.push(jobEntryFromMember(reply[i]!, reply[i + 1]!));
  return out;
}

/**
 * Latency of a queue from its oldest job (the tail, next to be taken):
 * now − "t", never negative (another host's clock may be ahead). An
 * undecodable oldest job gives 0 and is flagged instead of crashing.
 */
export function queueLatency(oldest: string | null | undefined, now: number): { latency: number; invalidOldest: boolean } {
  if (oldest === null || oldest === undefined) return { latency: 0, invalidOldest: false };
  let t: number;
  try {
    t = decodeJob(oldest).enqueuedAt;
  } catch {
    return { latency: 0, invalidOldest: true };
  }
  return { latency: Math.max(0, now - t), invalidOldest: false };
}

/** The replies queues() reads for one name, in pipeline order. */
export interface QueueReplies {
  length: number;
  oldest: string | null;
  pausedExists: number;
  lock: string | null;
  maxConcurrency: string | null;
  priority?: string | null;
}

export function queueInfo(jobName: string, replies: QueueReplies, now: number): QueueInfo {
  const { latency, invalidOldest } = queueLatency(replies.length > 0 ? replies.oldest : null, now);
  return {
    jobName,
    count: replies.length,
    latency,
    paused: replies.pausedExists > 0,
    running: parseGoInt(replies.lock ?? undefined) ?? 0,
    // gocraft's fetch treats a missing or non-numeric cap as "no cap", i.e. 0.
    maxConcurrency: Math.max(0, parseGoInt(replies.maxConcurrency ?? undefined) ?? 0),
    // Only work pools publish priorities; 0 = unknown (a gocraft-only queue).
    priority: Math.max(0, parseGoInt(replies.priority ?? undefined) ?? 0),
    invalidOldest,
  };
}

/** Escape Redis glob metacharacters so `text` matches itself only. */
export function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

// Characters every JSON encoder we meet (Go, cjson, JSON.stringify, Python)
// writes literally inside a string: printable ASCII minus the quote, the
// backslash, '/' (cjson writes "\/") and Go's HTML escapes, plus non-ASCII
// apart from U+2028/U+2029 (Go escapes those).
const STABLE_CHAR = /^[\u0020-\u007e\u0080-\u2027\u202a-\ud7ff\ue000-\uffff\u{10000}-\u{10ffff}]$/u;
const UNSTABLE_CHAR = /["\\/<>&]/;

function stable(c: string): boolean {
  return STABLE_CHAR.test(c) && !UNSTABLE_CHAR.test(c);
}

/**
 * A ZSCAN MATCH pattern that every member holding this id matches, whoever
 * encoded it. Normally the quoted id (`*"<id>"*`, any spacing or key case);
 * an id with characters encoders write differently (a periodic id holds '/')
 * falls back to its longest literal run, and to `*` when that run is too
 * short to narrow anything. Members are still decoded to confirm the id.
 */
export function idMatchPattern(id: string): string {
  const chars = [...id];
  if (chars.every(stable)) return `*"${globEscape(id)}"*`;
  let best = '';
  let run = '';
  for (const c of chars) {
    if (stable(c)) {
      run += c;
      if (run.length > best.length) best = run;
    } else {
      run = '';
    }
  }
  return best.length >= 4 ? `*${globEscape(best)}*` : '*';
}

/** Every "name:value" line of an INFO reply (CRLF, "# Section" headings skipped). */
export function infoFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return fields;
}

/** The fields the console shows from an INFO reply. */
export function serverInfoFromText(text: string): ServerInfo {
  const fields = infoFields(text);
  return {
    version: fields.get('redis_version') ?? '',
    usedMemory: fields.get('used_memory_human') ?? '',
    connectedClients: parseGoInt(fields.get('connected_clients')) ?? 0,
  };
}
