// Go's encoding/json output rules (spec 3.2). Unique keys and periodic job
// members are compared byte for byte with what Go writes, so JSON.stringify is
// not enough: Go sorts keys by UTF-8 bytes, escapes HTML characters and
// U+2028/U+2029, and writes control characters in \u00xx form.
import { InvalidArgumentError } from '../errors.js';
import { type JsonBuilder, parseJsonText } from './json-text.js';

const HEX = '0123456789abcdef';

function uEscape(code: number): string {
  return `\\u${HEX[(code >> 12) & 15]}${HEX[(code >> 8) & 15]}${HEX[(code >> 4) & 15]}${HEX[code & 15]}`;
}

/**
 * What Go writes differently from JSON.stringify: HTML characters, U+2028 and
 * U+2029 (escaped by Go only), \b and \f (Go writes \u0008 and \u000c), and
 * surrogates (a lone one is \ufffd in Go; pairs go the slow way too).
 */
const GO_ONLY_ESCAPES = /[<>&\u0008\u000c\u2028\u2029\ud800-\udfff]/;

/** A JSON string literal exactly as Go's encoding/json (Go 1.19, HTML escaping on) writes it. */
export function goQuote(s: string): string {
  // Most strings need nothing Go does differently: JSON.stringify is native,
  // and escapes quotes, backslashes and the other controls as Go does.
  if (!GO_ONLY_ESCAPES.test(s)) return JSON.stringify(s);
  let out = '"';
  let runStart = 0; // copy unescaped runs in one slice instead of char by char
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | undefined;
    if (c < 0x20) {
      esc = c === 0x0a ? '\\n' : c === 0x0d ? '\\r' : c === 0x09 ? '\\t' : uEscape(c);
    } else if (c === 0x22) {
      esc = '\\"';
    } else if (c === 0x5c) {
      esc = '\\\\';
    } else if (c === 0x3c || c === 0x3e || c === 0x26) {
      esc = uEscape(c);
    } else if (c === 0x2028 || c === 0x2029) {
      esc = uEscape(c);
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++; // a valid pair is written raw, like any other non-ASCII character
        continue;
      }
      // A lone surrogate has no UTF-8 form; Go writes invalid bytes as \ufffd.
      esc = '\\ufffd';
    }
    if (esc !== undefined) {
      out += s.slice(runStart, i) + esc;
      runStart = i + 1;
    }
  }
  return out + s.slice(runStart) + '"';
}

/**
 * Orders strings as Go sorts map keys: by UTF-8 bytes, i.e. by code point.
 * UTF-16 order differs only where a surrogate (a code point above U+FFFF)
 * meets U+E000..U+FFFF, so surrogates are lifted above that range.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return liftSurrogate(x) - liftSurrogate(y);
  }
  return a.length - b.length;
}

function liftSurrogate(c: number): number {
  if (c < 0xd800) return c;
  return c <= 0xdfff ? c + 0x2000 : c - 0x800;
}

/** A JS number as Go prints a float64 (JS already uses the same shortest form and cut-offs). */
function goNumber(n: number): string {
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`cannot encode ${n} as JSON: Go rejects NaN and infinities`);
  return Object.is(n, -0) ? '-0' : String(n);
}

/**
 * Encodes a JS value as Go's encoding/json encodes the matching
 * map[string]interface{}: sorted keys, Go string escaping, no whitespace.
 * Follows JSON.stringify for toJSON, boxed primitives and undefined members.
 */
export function goJsonStringify(value: unknown): string {
  // Most args are plain data: JSON.stringify writes them as Go does once
  // their keys are in Go's order (native, and several times faster than the
  // member-by-member encoder below, which keeps every other case).
  const plain = goOrdered(value, 0);
  if (plain !== NOT_PLAIN) {
    const json = JSON.stringify(plain);
    if (!writtenDifferentlyByGo(json)) return json;
  }
  return goJsonStringifyCarefully(value);
}

/**
 * Whether JSON.stringify's output holds a string Go writes otherwise: a
 * character Go escapes and JSON.stringify leaves raw (<, >, &, U+2028,
 * U+2029), or an escape Go spells differently (\b and \f, which Go writes
 * as \u0008 and \u000c, and a lone surrogate's \udXXX, which Go writes as
 * \ufffd). Other escapes, other controls included, are Go's too. Checking
 * the output once costs less than checking every string of the input. A
 * false alarm (a backslash before "b" in the text, say) only sends the
 * value the careful way.
 */
function writtenDifferentlyByGo(json: string): boolean {
  // Long and all ASCII (byteLength counts without copying): a few native
  // scans beat one regular expression; short text, the regular expressions.
  if (json.length > 256 && Buffer.byteLength(json) === json.length) {
    return json.includes('<') || json.includes('>') || json.includes('&') || (json.includes('\\') && GO_SPELLS_OTHERWISE.test(json));
  }
  return GO_WRITES_OTHERWISE.test(json);
}

const GO_SPELLS_OTHERWISE = /\\(?:[bf]|ud[89a-f])/;
const GO_WRITES_OTHERWISE = new RegExp(`[<>&\u2028\u2029]|${GO_SPELLS_OTHERWISE.source}`);

/** Go's encoding member by member: every case goJsonStringify's fast path leaves out (exported for its tests). */
export function goJsonStringifyCarefully(value: unknown): string {
  const out = encodeValue(value, '', new Set());
  if (out === undefined) throw new InvalidArgumentError(`cannot encode ${describe(value)} as JSON`);
  return out;
}

const NOT_PLAIN = Symbol('not plain');
const ARRAY_INDEX = /^(?:0|[1-9][0-9]{0,9})$/;
/** Deep enough for any args people write; deeper (or cyclic) values take the careful path. */
const PLAIN_DEPTH = 64;

/**
 * `value` with every object's keys in Go's order (a copy only where the order
 * differs), when JSON.stringify of it is Go's encoding but for the spelling
 * of some strings (checked in the output): plain objects and dense arrays of
 * strings, finite numbers other than -0 (Go writes "-0"), booleans and null.
 * NOT_PLAIN for anything else: undefined, toJSON, boxed values, bigints,
 * Maps, holes …
 */
function goOrdered(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'string':
      return value; // checked once in the output (writtenDifferentlyByGo)
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0) ? value : NOT_PLAIN;
    case 'boolean':
      return value;
    case 'object':
      break;
    default:
      return NOT_PLAIN;
  }
  if (value === null) return null;
  if (depth > PLAIN_DEPTH) return NOT_PLAIN;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (v === undefined && !(i in value)) return NOT_PLAIN; // a hole
      const item = goOrdered(v, depth + 1);
      if (item === NOT_PLAIN) return NOT_PLAIN;
      if (item !== v) (copy ??= value.slice())[i] = item;
    }
    return copy ?? value;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return NOT_PLAIN;
  const record = value as Record<string, unknown>;
  const shape = shapeOf(Object.keys(record));
  if (shape === undefined) return NOT_PLAIN;
  const { order, sorted, hasProtoKey } = shape;
  // Plain assignment, except for a "__proto__" key (it would set the prototype).
  const put = hasProtoKey ? defineOwn : assign;
  let copy: Record<string, unknown> | undefined = sorted ? undefined : {};
  for (let i = 0; i < order.length; i++) {
    const key = order[i]!;
    const v = record[key];
    const item = goOrdered(v, depth + 1);
    if (item === NOT_PLAIN) return NOT_PLAIN;
    if (copy === undefined && item !== v) {
      copy = {};
      for (let j = 0; j < i; j++) put(copy, order[j]!, record[order[j]!]);
    }
    if (copy !== undefined) put(copy, key, item);
  }
  return copy ?? value;
}

interface Shape {
  /** The keys in Go's order. */
  order: readonly string[];
  /** Whether they already were in that order. */
  sorted: boolean;
  /** Whether one key is "__proto__", which a copy must define rather than assign. */
  hasProtoKey: boolean;
}

/**
 * Key lists seen lately, checked and sorted once: args are mostly lists of
 * objects of one shape. Found by their first key, then compared key by key
 * (cheaper than joining them into one string per object).
 */
const shapes = new Map<string, Array<{ keys: string[]; shape: Shape | undefined }>>();
const MAX_SHAPES = 1000;
let lastFound: { keys: string[]; shape: Shape | undefined } | undefined;

/** The key list's order in Go's encoding, or undefined when JSON.stringify cannot write it as Go does. */
function shapeOf(keys: string[]): Shape | undefined {
  // Lists of objects of one shape: the last one found usually matches.
  if (lastFound !== undefined && sameKeys(lastFound.keys, keys)) return lastFound.shape;
  const first = keys[0] ?? '';
  let seen = shapes.get(first);
  if (seen) {
    for (const entry of seen) {
      if (sameKeys(entry.keys, keys)) {
        lastFound = entry;
        return entry.shape;
      }
    }
  } else {
    if (shapes.size >= MAX_SHAPES) shapes.clear();
    seen = [];
    shapes.set(first, seen);
  }
  let shape: Shape | undefined;
  // JS lists integer keys first, in numeric order, whatever order they are
  // set in ("9" before "10"), so no object holds them in Go's byte order.
  if (!keys.some((k) => GO_ONLY_ESCAPES.test(k) || ARRAY_INDEX.test(k))) {
    let sorted = true;
    for (let i = 1; i < keys.length && sorted; i++) sorted = compareUtf8(keys[i - 1]!, keys[i]!) < 0;
    shape = { order: sorted ? keys : [...keys].sort(compareUtf8), sorted, hasProtoKey: keys.includes('__proto__') };
  }
  if (seen.length < 16) seen.push({ keys, shape });
  return shape;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function assign(target: Record<string, unknown>, key: string, value: unknown): void {
  target[key] = value;
}

/** An own data property, "__proto__" included (assigning that one would set the prototype). */
function defineOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

// Returns undefined for a value JSON.stringify would leave out (undefined).
function encodeValue(value: unknown, key: string, stack: Set<object>): string | undefined {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON: (k: string) => unknown }).toJSON(key);
  }
  if (value instanceof Number || value instanceof String || value instanceof Boolean || value instanceof BigInt) {
    value = value.valueOf();
  }
  switch (typeof value) {
    case 'string':
      return goQuote(value);
    case 'number':
      return goNumber(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return undefined;
    case 'function':
    case 'symbol':
      throw new InvalidArgumentError(`cannot encode ${describe(value)} as JSON${key === '' ? '' : ` (at "${key}")`}`);
  }
  if (value === null) return 'null';
  const obj = value as object;
  // A Map or Set would silently become {} with JSON.stringify; refuse instead of losing data.
  if (obj instanceof Map || obj instanceof Set) {
    throw new InvalidArgumentError(`cannot encode a ${obj.constructor.name} as JSON; use a plain object or array`);
  }
  if (stack.has(obj)) throw new InvalidArgumentError('cannot encode a cyclic structure as JSON');
  stack.add(obj);
  let out: string;
  if (Array.isArray(obj)) {
    const parts: string[] = [];
    // An index loop, not map(): map skips the holes of a sparse array, which must become null.
    for (let i = 0; i < obj.length; i++) parts.push(encodeValue(obj[i], String(i), stack) ?? 'null');
    out = `[${parts.join(',')}]`;
  } else {
    const parts: string[] = [];
    const record = obj as Record<string, unknown>;
    for (const k of Object.keys(record).sort(compareUtf8)) {
      const v = encodeValue(record[k], k, stack);
      if (v !== undefined) parts.push(`${goQuote(k)}:${v}`);
    }
    out = `{${parts.join(',')}}`;
  }
  stack.delete(obj);
  return out;
}

function describe(value: unknown): string {
  if (typeof value === 'function') return `a function${value.name ? ` (${value.name})` : ''}`;
  if (typeof value === 'symbol') return `a symbol (${value.toString()})`;
  return typeof value === 'undefined' ? 'undefined' : String(value);
}

/** Go's encoding of an object given its encoded members: sorted keys, the last duplicate wins (as in a Go map). */
export function goObjectFromMembers(members: Map<string, string>): string {
  const keys = [...members.keys()].sort(compareUtf8);
  return `{${keys.map((k) => `${goQuote(k)}:${members.get(k)}`).join(',')}}`;
}

// Builds Go's encoding while reading; number literals pass through untouched.
const CANONICAL: JsonBuilder<string> = {
  string: goQuote,
  number: (text) => text, // json.Number is written back verbatim
  literal: (text) => text,
  object: () => {
    const members = new Map<string, string>();
    return { add: (v, k) => members.set(k, v), finish: () => goObjectFromMembers(members) };
  },
  array: () => {
    const items: string[] = [];
    return { add: (v) => items.push(v), finish: () => `[${items.join(',')}]` };
  },
};

/**
 * Re-encodes JSON text as Go does after decoding it with UseNumber (numbers
 * kept as json.Number), so `{"b":1,"a":123456789012345678}` becomes
 * `{"a":123456789012345678,"b":1}`. Throws JsonSyntaxError (an
 * InvalidJobError) on text that is not JSON.
 */
export function goCanonicalize(json: string): string {
  return parseJsonText(json, CANONICAL);
}
