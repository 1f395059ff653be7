// The job codec: gocraft/work's job JSON (spec 3). Encoding reproduces Go's
// bytes; decoding accepts exactly what Go's decoder accepts. Jobs that already
// exist in Redis are edited in place (json-members.ts) rather than re-encoded,
// so their args keep every byte, big integers included.
import { InvalidArgumentError, InvalidJobError } from '../errors.js';
import { goCanonicalize, goJsonStringify, goObjectFromMembers, goQuote } from './go-json.js';
import { editTopLevel, foldKey, topLevelMembers } from './json-members.js';
import { JsonSyntaxError, MAX_DEPTH, scanTopLevelObject, unquoteJsonText } from './json-text.js';
import { firstInvalidUtf8, type RedisBytes } from './redis-bytes.js';
import type { TraceContext } from '../tracing/trace-context.js';

export interface Job {
  name: string;
  id: string;
  enqueuedAt: number; // "t", epoch seconds
  args: Record<string, unknown> | null;
  unique: boolean;
  uniqueKey?: string; // master's "unique_key": the full Redis key, trailing newline included
  fails: number;
  lastError?: string; // "err"
  failedAt?: number; // "failed_at"
  /**
   * work's "trace" (Go ignores it): the W3C trace context of the span that
   * enqueued the job, written only when an OpenTelemetry SDK is set up.
   */
  trace?: TraceContext;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INTEGER_LITERAL = /^-?(?:0|[1-9][0-9]*)$/;

function int(field: string, n: number): string {
  // Go decodes these fields into int64 and rejects a fraction or an exponent.
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`job field "${field}" must be an integer, got ${n}`);
  return String(n);
}

/** Go's bytes for a job: field order name,id,t,args,unique,unique_key,fails,err,failed_at, zero values omitted. */
export function encodeJob(job: Job): string {
  let out = '{';
  if (job.name !== '') out += `"name":${goQuote(job.name)},`;
  out += `"id":${goQuote(job.id)},"t":${int('t', job.enqueuedAt)},`;
  out += `"args":${job.args === null ? 'null' : goJsonStringify(job.args)}`;
  if (job.unique) out += ',"unique":true';
  if (job.uniqueKey) out += `,"unique_key":${goQuote(job.uniqueKey)}`;
  if (job.fails !== 0) out += `,"fails":${int('fails', job.fails)}`;
  if (job.lastError) out += `,"err":${goQuote(job.lastError)}`;
  if (job.failedAt !== undefined && job.failedAt !== 0) out += `,"failed_at":${int('failed_at', job.failedAt)}`;
  if (job.trace) out += `,"trace":${encodeTrace(job.trace)}`;
  return out + '}';
}

function encodeTrace(trace: TraceContext): string {
  const state = trace.tracestate ? `,"tracestate":${goQuote(trace.tracestate)}` : '';
  return `{"traceparent":${goQuote(trace.traceparent)}${state}}`;
}

/**
 * The "trace" field read leniently: a value that is not an object with a
 * string traceparent is ignored, never a reason to refuse the job (Go would
 * run it).
 */
function readTrace(value: unknown): TraceContext | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const { traceparent, tracestate } = value as Record<string, unknown>;
  if (typeof traceparent !== 'string') return undefined;
  return typeof tracestate === 'string' && tracestate !== '' ? { traceparent, tracestate } : { traceparent };
}

const invalid = (what: string): InvalidJobError => new InvalidJobError(`invalid job: ${what}`);

type FieldKind = 'string' | 'int' | 'bool' | 'args';
const FIELDS: Record<string, FieldKind> = {
  name: 'string',
  id: 'string',
  t: 'int',
  args: 'args',
  unique: 'bool',
  unique_key: 'string',
  fails: 'int',
  err: 'string',
  failed_at: 'int',
};

function readInt(field: string, text: string): number {
  if (!INTEGER_LITERAL.test(text)) throw invalid(`"${field}" is not an integer`);
  const big = BigInt(text);
  if (big < INT64_MIN || big > INT64_MAX) throw invalid(`"${field}" is out of int64 range`);
  return Number(text) || 0; // "-0" is a valid integer literal; keep 0 positive
}

function readString(field: string, text: string): string {
  const value = unquoteJsonText(text); // not JSON.parse: Go turns a lone \uD800 into U+FFFD
  if (value === undefined) throw invalid(`"${field}" is not a string`);
  return value;
}

/** Go merges duplicate "args" objects into one map; assigning own keys keeps "__proto__" a plain key. */
function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(source)) {
    Object.defineProperty(target, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
}

/**
 * Decodes a value read from Redis as a job that a pool may run. Bytes that
 * are not UTF-8 are refused: Go would read each bad sequence as U+FFFD and
 * run the job with args that are not what its producer wrote.
 */
export function decodeJobValue(value: RedisBytes): Job {
  if (typeof value !== 'string') throw notUtf8(value);
  return decodeJob(value);
}

export function notUtf8(bytes: Buffer): InvalidJobError {
  const at = firstInvalidUtf8(bytes);
  const byte = bytes[at] ?? 0;
  return invalid(`not UTF-8 (byte 0x${byte.toString(16).padStart(2, '0')} at offset ${at})`);
}

/**
 * Decodes job bytes by Go's rules (spec 3.3): keys case-insensitive, unknown
 * keys ignored, the last duplicate wins, a JSON null leaves a field at its
 * zero value. Throws InvalidJobError saying what is wrong.
 */
export function decodeJob(raw: string): Job {
  return decodeCommonJob(raw) ?? decodeJobStrictly(raw);
}

// Go-written and work-written jobs are plain: exact lowercase keys, integer
// times, an object or null for args. For those JSON.parse gives the same
// answer as Go's rules several times faster; anything unusual (a key in
// another case, a number that might be 3.0 or 1e3, a repeated "args", an
// escaped surrogate, a big integer) falls through to the strict decoder.
const NON_INTEGER_TIME = /"(?:t|fails|failed_at)"\s*:\s*-?\d+[.eE]/;
const ESCAPED_SURROGATE = /\\u[dD][89a-fA-F]/;

function decodeCommonJob(raw: string): Job | undefined {
  // Only text this long can nest deeper than Go allows, which JSON.parse would accept.
  if (raw.length > 2 * MAX_DEPTH) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const record = parsed as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!(key in FIELDS) && FIELDS[foldKey(key)] !== undefined) return undefined;
    // Go skips a null but keeps an earlier duplicate's value; JSON.parse cannot tell.
    if (record[key] === null && key !== 'args' && key in FIELDS) return undefined;
  }
  const { name, id, t, args, unique, unique_key: uniqueKey, fails, err, failed_at: failedAt } = record;
  const optionalString = (v: unknown) => v === undefined || v === null || typeof v === 'string';
  const optionalInt = (v: unknown) => v === undefined || v === null || Number.isSafeInteger(v);
  if (!optionalString(name) || !optionalString(id) || !optionalString(err) || !optionalString(uniqueKey)) return undefined;
  if (!optionalInt(t) || !optionalInt(fails) || !optionalInt(failedAt)) return undefined;
  if (!(unique === undefined || unique === null || typeof unique === 'boolean')) return undefined;
  if (!(args === undefined || args === null || (typeof args === 'object' && !Array.isArray(args)))) return undefined;
  if (NON_INTEGER_TIME.test(raw) || ESCAPED_SURROGATE.test(raw)) return undefined;
  const firstArgs = raw.indexOf('"args"');
  if (firstArgs !== -1 && raw.indexOf('"args"', firstArgs + 6) !== -1) return undefined;
  const job: Job = {
    name: (name as string | undefined) ?? '',
    id: (id as string | undefined) ?? '',
    enqueuedAt: ((t as number | undefined) ?? 0) + 0, // + 0 turns -0 into 0, as Go's int64 does
    args: (args as Record<string, unknown> | null | undefined) ?? null,
    unique: (unique as boolean | undefined) ?? false,
    fails: ((fails as number | undefined) ?? 0) + 0,
  };
  if (typeof uniqueKey === 'string') job.uniqueKey = uniqueKey;
  if (typeof err === 'string') job.lastError = err;
  if (typeof failedAt === 'number') job.failedAt = failedAt + 0;
  if (record.trace !== undefined) {
    const trace = readTrace(record.trace);
    if (trace) job.trace = trace;
  }
  return job;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function wellFormed(_key: string, value: unknown): unknown {
  return typeof value === 'string' ? value.replace(LONE_SURROGATE, '\ufffd') : value;
}

/** Go's decoding rules, applied member by member on the raw text. */
function decodeJobStrictly(raw: string): Job {
  let members;
  try {
    members = topLevelMembers(raw);
  } catch (err) {
    if (err instanceof JsonSyntaxError) throw invalid(`not JSON (${err.message})`);
    if (err instanceof InvalidJobError) throw invalid('not a JSON object');
    throw err;
  }
  const job: Job = { name: '', id: '', enqueuedAt: 0, args: null, unique: false, fails: 0 };
  for (const { key, valueText } of members) {
    if (key === 'trace') {
      const trace = readTraceText(valueText);
      if (trace) job.trace = trace;
      else delete job.trace; // the last duplicate wins, as for every field
      continue;
    }
    const field = foldKey(key);
    const kind = FIELDS[field];
    // Go leaves a field untouched when it reads null, whatever the field's type.
    if (kind === undefined || (valueText === 'null' && kind !== 'args')) continue;
    switch (field) {
      case 'name':
        job.name = readString(field, valueText);
        break;
      case 'id':
        job.id = readString(field, valueText);
        break;
      case 'unique_key':
        job.uniqueKey = readString(field, valueText);
        break;
      case 'err':
        job.lastError = readString(field, valueText);
        break;
      case 't':
        job.enqueuedAt = readInt(field, valueText);
        break;
      case 'fails':
        job.fails = readInt(field, valueText);
        break;
      case 'failed_at':
        job.failedAt = readInt(field, valueText);
        break;
      case 'unique':
        if (valueText !== 'true' && valueText !== 'false') throw invalid('"unique" is not a boolean');
        job.unique = valueText === 'true';
        break;
      case 'args': {
        if (valueText === 'null') {
          job.args = null;
          break;
        }
        if (!valueText.startsWith('{')) throw invalid('"args" is not an object or null');
        // Go reads an escaped lone surrogate as U+FFFD; JSON.parse keeps it.
        const args = (ESCAPED_SURROGATE.test(valueText) ? JSON.parse(valueText, wellFormed) : JSON.parse(valueText)) as Record<string, unknown>;
        if (job.args === null) job.args = args;
        else mergeInto(job.args, args); // Go decodes a repeated object into the map it already has
        break;
      }
    }
  }
  return job;
}

function readTraceText(valueText: string): TraceContext | undefined {
  try {
    return readTrace(JSON.parse(valueText));
  } catch {
    return undefined;
  }
}

/**
 * Records a failure in place: fails, err and failed_at are set (appended in
 * Go's order if new) and "unique"/"unique_key" are dropped, because a job in
 * retry or dead no longer holds its uniqueness marker (gocraft bug 16.1.6).
 */
export function markFailed(raw: string, fails: number, err: string, failedAt: number): string {
  return editTopLevel(raw, {
    set: { fails, err, failed_at: failedAt },
    remove: ['unique', 'unique_key'],
  });
}

/** Moving a job back to a queue resets its "t", as gocraft's requeuer does. */
export function markRequeued(raw: string, t: number): string {
  return setGoShapedT(raw, t) ?? editTopLevel(raw, { set: { t } });
}

/** Retrying a dead job: the failure fields go and "t" is reset. */
export function clearFailure(raw: string, t: number): string {
  return clearGoShapedFailure(raw, t) ?? editTopLevel(raw, { set: { t }, remove: ['fails', 'err', 'failed_at'] });
}

// Fast paths for jobs in the shape Go and work write them: name, id, t first,
// failure fields last. They edit the text directly and give up (undefined)
// on anything else, e.g. cjson's key order or a second "t" anywhere, leaving
// it to the member-by-member editor. Both answers are byte-identical.
const GO_HEAD = /^\{"name":"(?:[^"\\]|\\.)*","id":"(?:[^"\\]|\\.)*","t":(-?\d+)(?=[,}])/;
// Unescaped quotes never occur inside strings, so this can only match the
// top-level object's last members, right before its closing brace.
const GO_FAILURE_TAIL = /,"fails":-?\d+(?:,"err":"(?:[^"\\]|\\.)*")?(?:,"failed_at":-?\d+)?\}$/;
const FAILURE_KEY = /"(?:fails|err|failed_at)":/;

function setGoShapedT(raw: string, t: number): string | undefined {
  const head = GO_HEAD.exec(raw);
  if (!head) return undefined;
  const end = head[0].length;
  if (raw.includes('"t":', end)) return undefined;
  return `${raw.slice(0, end - head[1]!.length)}${Math.trunc(t)}${raw.slice(end)}`;
}

function clearGoShapedFailure(raw: string, t: number): string | undefined {
  const withT = setGoShapedT(raw, t);
  if (withT === undefined) return undefined;
  const tail = GO_FAILURE_TAIL.exec(withT);
  const rest = tail ? withT.slice(0, tail.index) : withT;
  if (FAILURE_KEY.test(rest)) return undefined;
  return tail ? `${rest}}` : withT;
}

/** The key-map part of a unique key: Go's stream encoding (JSON plus "\n"); nothing for a nil map. */
export function encodeUniqueKeyMap(keyMap: Record<string, unknown> | null | undefined): string {
  if (keyMap === null || keyMap === undefined) return '';
  return `${goJsonStringify(keyMap)}\n`;
}

/**
 * encodeUniqueKeyMap of the job's args, computed from the raw args text so
 * number literals keep their digits (123456789012345678 is not a float64 in
 * the key Go wrote at enqueue). Applies decodeJob's rules to "args".
 */
export function uniqueKeyMapFromRawArgs(raw: string): string {
  let members: Map<string, string> | null = null;
  for (const { key, valueText } of topLevelMembers(raw)) {
    if (foldKey(key) !== 'args') continue;
    if (valueText === 'null') {
      members = null;
      continue;
    }
    if (!valueText.startsWith('{')) throw invalid('"args" is not an object or null');
    members ??= new Map(); // a repeated "args" object merges into the first, as in decodeJob
    for (const m of scanTopLevelObject(valueText)) {
      members.set(m.key, goCanonicalize(valueText.slice(m.valueStart, m.end)));
    }
  }
  return members === null ? '' : `${goObjectFromMembers(members)}\n`;
}

/** The scheduled-set member of a periodic job; identical bytes across pools make ZADD idempotent. */
export function periodicJobJson(name: string, spec: string, epoch: number): string {
  const t = int('t', epoch);
  return `{"name":${goQuote(name)},"id":${goQuote(`periodic:${name}:${spec}:${t}`)},"t":${t},"args":null}`;
}
