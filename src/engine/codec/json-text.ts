// A small strict JSON reader that keeps what JSON.parse throws away: number
// literals as their exact text (so 123456789012345678 survives, as with Go's
// json.Number) and the offsets of top-level members (so a job can be edited
// without re-encoding the bytes around the edit). Grammar and limits follow
// Go's decoder: RFC 8259 syntax, at most 10000 levels of nesting.
import { InvalidJobError } from '../errors.js';

/** Go's decoder refuses deeper nesting; so do we, which also bounds our recursion. */
export const MAX_DEPTH = 10000;

/** Text that is not JSON. An InvalidJobError because the text we read is always job data. */
export class JsonSyntaxError extends InvalidJobError {
  override name = 'JsonSyntaxError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export interface ObjectMemberSpan {
  key: string; // unescaped
  start: number; // offset of the key's opening quote
  valueStart: number;
  end: number; // just past the value
}

const enum C {
  Tab = 0x09,
  LF = 0x0a,
  CR = 0x0d,
  Space = 0x20,
  Quote = 0x22,
  Comma = 0x2c,
  Minus = 0x2d,
  Dot = 0x2e,
  Zero = 0x30,
  Nine = 0x39,
  Colon = 0x3a,
  OpenBracket = 0x5b,
  Backslash = 0x5c,
  CloseBracket = 0x5d,
  OpenBrace = 0x7b,
  CloseBrace = 0x7d,
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

const isDigit = (c: number): boolean => c >= C.Zero && c <= C.Nine;
const isSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdfff;

class Reader {
  pos = 0;
  constructor(readonly text: string) {}

  fail(what: string): never {
    const where = this.pos >= this.text.length ? 'end of input' : `offset ${this.pos}`;
    throw new JsonSyntaxError(`invalid JSON at ${where}: ${what}`, this.pos);
  }

  peek(): number {
    return this.pos < this.text.length ? this.text.charCodeAt(this.pos) : -1;
  }

  ws(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c !== C.Space && c !== C.Tab && c !== C.LF && c !== C.CR) break;
      this.pos++;
    }
  }

  expect(c: number, what: string): void {
    if (this.peek() !== c) this.fail(`expected ${what}`);
    this.pos++;
  }

  /** After the top-level value only whitespace may follow (Go rejects trailing data). */
  end(): void {
    this.ws();
    if (this.pos < this.text.length) this.fail('unexpected data after the JSON value');
  }

  hex4(at: number): number {
    let v = 0;
    for (let i = at; i < at + 4; i++) {
      const c = this.text.charCodeAt(i);
      const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66 ? (c | 0x20) - 0x57 : -1;
      if (d < 0) return -1; // NaN past the end also lands here
      v = (v << 4) | d;
    }
    return v;
  }

  /** Reads a string at the opening quote and returns it unescaped. */
  string(): string {
    const t = this.text;
    this.pos++; // opening quote
    let out = '';
    let run = this.pos;
    for (;;) {
      if (this.pos >= t.length) this.fail('unterminated string');
      const c = t.charCodeAt(this.pos);
      if (c === C.Quote) {
        out += t.slice(run, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) this.fail('control character in string');
      if (c !== C.Backslash) {
        this.pos++;
        continue;
      }
      out += t.slice(run, this.pos);
      const e = t[this.pos + 1];
      if (e === 'u') {
        out += this.unicodeEscape();
      } else {
        const simple = e === undefined ? undefined : SIMPLE_ESCAPES[e];
        if (simple === undefined) this.fail('invalid escape in string');
        out += simple;
        this.pos += 2;
      }
      run = this.pos;
    }
  }

  /** One \uXXXX (or a surrogate pair of them). Like Go, a lone surrogate becomes U+FFFD. */
  private unicodeEscape(): string {
    const u = this.hex4(this.pos + 2);
    if (u < 0) this.fail('invalid \\u escape');
    this.pos += 6;
    if (!isSurrogate(u)) return String.fromCharCode(u);
    if (u <= 0xdbff && this.text.startsWith('\\u', this.pos)) {
      const low = this.hex4(this.pos + 2);
      if (low >= 0xdc00 && low <= 0xdfff) {
        this.pos += 6;
        return String.fromCharCode(u, low);
      }
    }
    return '\ufffd';
  }

  number(): string {
    const t = this.text;
    const start = this.pos;
    if (this.peek() === C.Minus) this.pos++;
    const first = this.peek();
    if (first === C.Zero) this.pos++;
    else if (isDigit(first)) while (isDigit(this.peek())) this.pos++;
    else this.fail('invalid number');
    if (this.peek() === C.Dot) {
      this.pos++;
      if (!isDigit(this.peek())) this.fail('invalid number: digit expected after "."');
      while (isDigit(this.peek())) this.pos++;
    }
    if ((this.peek() | 0x20) === 0x65) {
      this.pos++;
      const sign = this.peek();
      if (sign === 0x2b || sign === C.Minus) this.pos++;
      if (!isDigit(this.peek())) this.fail('invalid number: digit expected in exponent');
      while (isDigit(this.peek())) this.pos++;
    }
    return t.slice(start, this.pos);
  }

  literal(): 'true' | 'false' | 'null' {
    for (const word of ['true', 'false', 'null'] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return word;
      }
    }
    return this.fail('unexpected character');
  }

  /**
   * Reads one value (leading whitespace allowed) and hands its parts to `b`.
   * Iterative, with an explicit stack: Go accepts 10000 levels of nesting,
   * which would overflow the call stack of a recursive reader.
   */
  value<V>(b: JsonBuilder<V>, depth: number): V {
    const stack: Frame<V>[] = [];
    for (;;) {
      this.ws();
      const c = this.peek();
      let v: V;
      if (c === C.OpenBrace || c === C.OpenBracket) {
        if (depth + stack.length >= MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
        const isObject = c === C.OpenBrace;
        const frame: Frame<V> = {
          container: isObject ? b.object() : b.array(),
          close: isObject ? C.CloseBrace : C.CloseBracket,
          isObject,
          key: '',
        };
        this.pos++;
        this.ws();
        if (this.peek() !== frame.close) {
          stack.push(frame);
          if (isObject) frame.key = this.key();
          continue; // read the first member's value
        }
        this.pos++;
        v = frame.container.finish();
      } else if (c === C.Quote) {
        v = b.string(this.string());
      } else if (c === C.Minus || isDigit(c)) {
        v = b.number(this.number());
      } else if (c === -1) {
        this.fail('value expected');
      } else {
        v = b.literal(this.literal());
      }
      // Hand the value to its container; a closing bracket completes that
      // container, which is in turn a value of the next one out.
      for (;;) {
        const top = stack[stack.length - 1];
        if (top === undefined) return v;
        top.container.add(v, top.key);
        this.ws();
        const next = this.peek();
        if (next === C.Comma) {
          this.pos++;
          if (top.isObject) top.key = this.key();
          break;
        }
        if (next !== top.close) this.fail(`expected "," or "${top.isObject ? '}' : ']'}"`);
        this.pos++;
        stack.pop();
        v = top.container.finish();
      }
    }
  }

  /** `"key" :` inside an object, leaving the reader at the value. */
  key(): string {
    this.ws();
    if (this.peek() !== C.Quote) this.fail('object key (a string) expected');
    const key = this.string();
    this.ws();
    this.expect(C.Colon, '":" after object key');
    return key;
  }
}

interface Frame<V> {
  container: JsonContainer<V>;
  close: number;
  isObject: boolean;
  key: string; // key of the member being read (objects only)
}

/** Receives the parts of a JSON value as the reader meets them. */
export interface JsonBuilder<V> {
  string(value: string): V;
  number(text: string): V;
  literal(text: 'true' | 'false' | 'null'): V;
  object(): JsonContainer<V>;
  array(): JsonContainer<V>;
}

export interface JsonContainer<V> {
  /** `key` is the member's unescaped key, '' for array items. */
  add(value: V, key: string): void;
  finish(): V;
}

const NOTHING: JsonContainer<undefined> = { add() {}, finish: () => undefined };
const VALIDATE: JsonBuilder<undefined> = {
  string: () => undefined,
  number: () => undefined,
  literal: () => undefined,
  object: () => NOTHING,
  array: () => NOTHING,
};

/** Reads complete JSON text through `builder`; numbers arrive as their literal text. */
export function parseJsonText<V>(text: string, builder: JsonBuilder<V>): V {
  const r = new Reader(text);
  const v = r.value(builder, 0);
  r.end();
  return v;
}

/** The value of a JSON text that must be a string, unescaped as Go does; undefined for any other value. */
export function unquoteJsonText(text: string): string | undefined {
  return parseJsonText<string | undefined>(text, {
    string: (value) => value,
    number: () => undefined,
    literal: () => undefined,
    object: () => NOTHING,
    array: () => NOTHING,
  });
}

/**
 * The members of a top-level object with their offsets. Values are validated
 * but not built, so callers decode only what they need.
 */
export function scanTopLevelObject(text: string): ObjectMemberSpan[] {
  const r = new Reader(text);
  r.ws();
  if (r.peek() !== C.OpenBrace) {
    // Validate first so that broken text is reported as such, not as "not an object".
    r.value(VALIDATE, 0);
    r.end();
    throw new InvalidJobError('JSON value is not an object');
  }
  const members: ObjectMemberSpan[] = [];
  r.pos++;
  r.ws();
  if (r.peek() === C.CloseBrace) {
    r.pos++;
  } else {
    for (;;) {
      r.ws();
      const start = r.pos;
      const key = r.key();
      r.ws();
      const valueStart = r.pos;
      r.value(VALIDATE, 1);
      members.push({ key, start, valueStart, end: r.pos });
      r.ws();
      const c = r.peek();
      r.pos++;
      if (c === C.CloseBrace) break;
      if (c !== C.Comma) {
        r.pos--;
        r.fail('expected "," or "}"');
      }
    }
  }
  r.end();
  return members;
}
