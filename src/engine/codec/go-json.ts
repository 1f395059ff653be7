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
  const out = encodeValue(value, '', new Set());
  if (out === undefined) throw new InvalidArgumentError(`cannot encode ${describe(value)} as JSON`);
  return out;
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
