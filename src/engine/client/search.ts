// Searching a whole scheduled, retry or dead set by job name, ID, error text
// and args text, without blocking Redis: the set is read one slice at a time
// by a short script that sends back only the members holding the plain texts
// of the query (search-set-1.lua); each of those is decoded here and judged
// exactly. The judging is pure, so the bulk repairs of dead jobs that match
// a query (retry-dead / delete-dead --error-match) apply the very same rule.
import type { Redis } from 'ioredis';
import type { Job } from '../codec/job.js';
import { jobOfMember } from '../codec/job-peek.js';
import { topLevelMembers, foldKey } from '../codec/json-members.js';
import { textOf } from '../codec/redis-bytes.js';
import { searchSetCall } from '../redis/calls/search-set.js';
import { send } from '../redis/script-call.js';
import { jobEntryFromMember } from './mapping.js';
import type { JobEntry } from './types.js';

/** What a search looks for; the parts given must all hold (an empty query matches every member). */
export interface JobQuery {
  /** The job's name is exactly this (as --job). */
  jobName?: string;
  /** The last error holds this text, ignoring the case of ASCII letters. */
  errorMatch?: string;
  /**
   * The job's name, ID, last error or args (as stored, JSON) holds this
   * text, ignoring the case of ASCII letters. A member that is not a job
   * matches when its stored text holds it.
   */
  text?: string;
}

/** Lower case for ASCII letters only: the same fold Redis's Lua applies (string.lower), so both sides agree. */
export function foldAscii(text: string): string {
  return text.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

// Characters every JSON encoder we meet writes literally inside a string:
// printable ASCII but the quote, the backslash, '/' (cjson writes "\/") and
// Go's HTML escapes. Anything else may come out escaped.
const UNSTABLE = /[^\u0020-\u007e]|["\\/<>&]/;

/** The longest run of the text that every encoder writes literally ('' when there is none). */
export function literalRun(text: string): string {
  let best = '';
  for (const run of text.split(new RegExp(UNSTABLE.source, 'g'))) if (run.length > best.length) best = run;
  return best;
}

/**
 * The plain texts, folded, that any member matching the query holds, unless
 * it holds a \u escape: the filter Redis applies before a member is sent
 * back. A part with no literal run adds none (its members are judged here).
 */
export function searchNeedles(query: JobQuery): string[] {
  const parts = [query.jobName, query.errorMatch, query.text].filter((p): p is string => p !== undefined && p !== '');
  return [...new Set(parts.map((p) => foldAscii(literalRun(p))).filter((run) => run !== ''))];
}

/** No part given (an empty string is a part: it is not "everything"). */
export function isEmptyQuery(query: JobQuery): boolean {
  return query.jobName === undefined && query.errorMatch === undefined && query.text === undefined;
}

/** The args as stored: the raw JSON text of the last non-null "args" member (as Go decodes it). */
function argsText(raw: string): string {
  let text = '';
  try {
    for (const { key, valueText } of topLevelMembers(raw)) if (foldKey(key) === 'args' && valueText !== 'null') text = valueText;
  } catch {
    return '';
  }
  return text;
}

/** Every string inside the args, decoded: what escaped text (\u00e9, \") reads as. */
function argStrings(args: unknown, out: string[] = []): string[] {
  if (typeof args === 'string') out.push(args);
  else if (Array.isArray(args)) for (const v of args) argStrings(v, out);
  else if (args !== null && typeof args === 'object') {
    for (const [k, v] of Object.entries(args)) {
      out.push(k);
      argStrings(v, out);
    }
  }
  return out;
}

const holds = (haystack: string | undefined, needle: string) => haystack !== undefined && foldAscii(haystack).includes(needle);

/**
 * A query made ready to judge members with: `mayMatch` is the cheap test on
 * the stored text (what Redis applies), `matches` the exact one on the
 * decoded job (undefined for a member that is not a job).
 */
export interface CompiledQuery {
  query: JobQuery;
  needles: string[];
  mayMatch(raw: string): boolean;
  matches(raw: string, job: Job | undefined): boolean;
}

export function compileQuery(query: JobQuery): CompiledQuery {
  const needles = searchNeedles(query);
  const error = query.errorMatch !== undefined ? foldAscii(query.errorMatch) : undefined;
  const text = query.text !== undefined ? foldAscii(query.text) : undefined;
  return {
    query,
    needles,
    mayMatch(raw) {
      if (needles.length === 0 || raw.includes('\\u')) return true;
      const folded = foldAscii(raw);
      return needles.every((n) => folded.includes(n));
    },
    matches(raw, job) {
      if (job === undefined) return query.jobName === undefined && error === undefined && (text === undefined || holds(raw, text));
      if (query.jobName !== undefined && job.name !== query.jobName) return false;
      if (error !== undefined && !holds(job.lastError, error)) return false;
      if (text === undefined) return true;
      if (holds(job.name, text) || holds(job.id, text) || holds(job.lastError, text)) return true;
      const args = argsText(raw);
      if (holds(args, text)) return true;
      // Escaped text in the args (\u00e9 for é): look at the decoded strings too.
      return args.includes('\\') && argStrings(job.args).some((s) => holds(s, text));
    },
  };
}

/** The member's verdict under a compiled query: its job when it matches, else undefined (`invalid` for a matching non-job). */
export function judgeMember(compiled: CompiledQuery, raw: string): { job: Job | undefined } | undefined {
  if (!compiled.mayMatch(raw)) return undefined;
  const job = jobOfMember(raw);
  return compiled.matches(raw, job) ? { job } : undefined;
}

/** One step of a search: how far it got, and the matches of this step. */
export interface SearchProgress {
  /** Members looked at so far. */
  done: number;
  /** Members in the set at the last step (grows or shrinks with the set). */
  total: number;
  /** Matches found in this step, in score order. */
  matches: JobEntry[];
}

export interface SearchOptions {
  /** Members looked at per script call; default 1000. */
  batchSize?: number;
  /** Checked before each step: an aborted search ends quietly after the step in flight. */
  signal?: AbortSignal;
}

export const SEARCH_BATCH = 1000;

/**
 * Every member of the set that matches, one step per slice, lowest score
 * first. Each slice starts right after the last member of the one before
 * wherever it now is, so jobs retried or removed meanwhile do not make the
 * search skip others; members added behind the walk are not seen, members
 * added ahead of it are.
 */
export async function* searchSet(redis: Redis, key: string, query: JobQuery, { batchSize = SEARCH_BATCH, signal }: SearchOptions = {}): AsyncGenerator<SearchProgress> {
  const compiled = compileQuery(query);
  let start = 0;
  let anchor: Parameters<typeof searchSetCall>[3];
  for (;;) {
    if (signal?.aborted) return;
    const slice = await send(redis, searchSetCall(key, start, batchSize, anchor, compiled.needles));
    const matches: JobEntry[] = [];
    for (const { member, score } of slice.candidates) {
      // Redis applied the cheap test already: only the exact one is left.
      const raw = textOf(member);
      const entry = jobEntryFromMember(raw, score);
      // A member without a name is no job to a search, as to a move (job-peek.ts).
      if (compiled.matches(raw, entry.invalid !== undefined || entry.name === '' ? undefined : entry)) matches.push(entry);
    }
    const done = slice.start + slice.length;
    yield { done, total: Math.max(slice.size, done), matches };
    if (slice.length < batchSize || slice.last === undefined || done >= slice.size) return;
    start = done;
    anchor = slice.last;
  }
}
