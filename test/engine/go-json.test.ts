import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, InvalidJobError } from '../../src/engine/errors.js';
import { compareUtf8, goCanonicalize, goJsonStringify, goJsonStringifyCarefully, goQuote } from '../../src/engine/codec/go-json.js';
import { JsonSyntaxError, MAX_DEPTH } from '../../src/engine/codec/json-text.js';
import { topLevelMembers } from '../../src/engine/codec/json-members.js';
import { SCENARIOS, snapshot, VERSIONS } from '../support/fixtures.js';

/** Every job-like JSON value in every fixture: list items, zset members, JSON string values. */
function fixtureJobs(): Array<{ where: string; raw: string }> {
  const out: Array<{ where: string; raw: string }> = [];
  for (const version of VERSIONS) {
    for (const scenario of SCENARIOS) {
      for (const e of snapshot(version, scenario)) {
        const where = `${version}/${scenario} ${e.key}`;
        if (e.type === 'list') for (const raw of e.value) out.push({ where, raw });
        if (e.type === 'zset') for (const [raw] of e.value) out.push({ where, raw });
        if (e.type === 'string' && e.value.startsWith('{')) out.push({ where, raw: e.value });
      }
    }
  }
  return out;
}

const argsText = (raw: string): string => {
  const m = topLevelMembers(raw).find((x) => x.key === 'args');
  if (m === undefined) throw new Error(`no args in ${raw}`);
  return m.valueText;
};

// Go always writes "name" first; cjson (the Lua requeue scripts) writes keys in hash order.
const writtenByGo = (raw: string): boolean => raw.startsWith('{"name":');

describe('goQuote', () => {
  it.each([
    ['plain', '"plain"'],
    ['', '""'],
    ['say "hi"', '"say \\"hi\\""'],
    ['back\\slash', '"back\\\\slash"'],
    ['a\nb\rc\td', '"a\\nb\\rc\\td"'],
    ['\b\f', '"\\u0008\\u000c"'], // Go 1.19 as in the fixtures, not JSON.stringify's \b \f
    ['\u0000\u0001\u001f', '"\\u0000\\u0001\\u001f"'],
    ['<a href="x">&amp;</a>', '"\\u003ca href=\\"x\\"\\u003e\\u0026amp;\\u003c/a\\u003e"'],
    ['a\u2028b\u2029c', '"a\\u2028b\\u2029c"'],
    ['/ \u007f', '"/ \u007f"'],
    ['héllo ✓ 日本語 😀', '"héllo ✓ 日本語 😀"'],
    ['\ud800', '"\\ufffd"'],
    ['x\udc00y', '"x\\ufffdy"'],
    ['\udc00\ud800', '"\\ufffd\\ufffd"'], // a pair in the wrong order is two lone halves
    ['\ud83d\ude00\ud83d', '"😀\\ufffd"'],
  ])('%j', (input, expected) => {
    expect(goQuote(input)).toBe(expected);
  });

  it('round-trips every BMP character through JSON.parse and escapes exactly Go’s set', () => {
    const mustEscape = (c: number): boolean =>
      c < 0x20 || c === 0x22 || c === 0x5c || c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029;
    for (let c = 0; c <= 0xffff; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const s = String.fromCharCode(c);
      const q = goQuote(s);
      expect(JSON.parse(q)).toBe(s);
      expect(q.length > 3, `U+${c.toString(16)}`).toBe(mustEscape(c));
    }
  });

  it('writes the unicode fixture strings exactly as Go did', () => {
    for (const version of VERSIONS) {
      const raw = snapshot(version, 'enqueue').find((e) => e.key === 'fx:jobs:unicode')?.value;
      const job = (raw as string[])[0] as string;
      const args = JSON.parse(job).args as Record<string, string>;
      for (const [k, v] of Object.entries(args)) expect(job).toContain(`${goQuote(k)}:${goQuote(v)}`);
    }
  });
});

describe('compareUtf8', () => {
  it('orders by code point, not by UTF-16 unit', () => {
    // '\uffff' < '😀' in UTF-8, but '😀' (0xd83d …) < '\uffff' in UTF-16.
    expect(['😀', '\uffff', '\ue000', 'z'].sort(compareUtf8)).toEqual(['z', '\ue000', '\uffff', '😀']);
    expect(['😀', '\uffff'].sort()).toEqual(['😀', '\uffff']); // the default sort gets it wrong
    expect(['ab', 'a', 'b', ''].sort(compareUtf8)).toEqual(['', 'a', 'ab', 'b']);
    expect(Math.sign(compareUtf8('𐀀', '😀'))).toBe(-1);
    expect(compareUtf8('é', 'é')).toBe(0);
  });

  it('agrees with Buffer.compare on mixed strings', () => {
    const words = ['a', 'A', '_', '1', 'é', 'aa', 'ß', '\u00ff', '\u0100', '\ue000', '\uffff', '😀', '𐀀', 'z😀', 'z\uffff'];
    const byBytes = [...words].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect([...words].sort(compareUtf8)).toEqual(byBytes);
  });
});

describe('goJsonStringify', () => {
  it('re-encodes every Go-written args object of the fixtures byte for byte', () => {
    let checked = 0;
    for (const { where, raw } of fixtureJobs()) {
      if (!writtenByGo(raw)) continue;
      const text = argsText(raw);
      // JS numbers cannot hold these; goCanonicalize covers them (below).
      if (/\d{17,}/.test(text) && text !== goJsonStringify(JSON.parse(text))) {
        expect(goCanonicalize(text), where).toBe(text);
        continue;
      }
      expect(goJsonStringify(JSON.parse(text)), where).toBe(text);
      checked++;
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('sorts keys by UTF-8 bytes (the order fixture)', () => {
    const value = { b: 1, a: 2, C: 3, _: 4, aa: 5, é: 6, A: 7, '1': 8 };
    expect(goJsonStringify(value)).toBe('{"1":8,"A":7,"C":3,"_":4,"a":2,"aa":5,"b":1,"é":6}');
    expect(goJsonStringify({ '😀': 1, '\uffff': 2 })).toBe('{"\uffff":2,"😀":1}');
  });

  it.each([
    [0, '0'],
    [-0, '-0'],
    [-42, '-42'],
    [1.5, '1.5'],
    [0.1, '0.1'],
    [1 / 3, '0.3333333333333333'],
    [1e21, '1e+21'],
    [1e20, '100000000000000000000'],
    [123456789012345680000, '123456789012345680000'],
    [1e-6, '0.000001'],
    [1e-7, '1e-7'],
    [-1.5e-7, '-1.5e-7'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [5e-324, '5e-324'],
    [123456789012345678n, '123456789012345678'],
    [-18446744073709551615n, '-18446744073709551615'],
  ])('number %s -> %s', (n, expected) => {
    expect(goJsonStringify(n)).toBe(expected);
    expect(goJsonStringify({ n })).toBe(`{"n":${expected}}`);
  });

  it('encodes nesting, arrays, literals and strings without whitespace', () => {
    const value = { z: { y: { x: [1, [2, [3]], { b: 2, a: 1 }] } }, arr: [{ k: 'v' }, null, true, 's', 1.5], m: {}, a: [] };
    expect(goJsonStringify(value)).toBe(
      '{"a":[],"arr":[{"k":"v"},null,true,"s",1.5],"m":{},"z":{"y":{"x":[1,[2,[3]],{"a":1,"b":2}]}}}',
    );
    expect(goJsonStringify(null)).toBe('null');
    expect(goJsonStringify(false)).toBe('false');
    expect(goJsonStringify('<')).toBe('"\\u003c"');
  });

  it('follows JSON.stringify for undefined, toJSON, Dates and boxed values', () => {
    expect(goJsonStringify({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(goJsonStringify([undefined, 1])).toBe('[null,1]');
    // eslint-disable-next-line no-sparse-arrays -- a hole in an array is the case under test
    expect(goJsonStringify([, 1])).toBe('[null,1]');
    expect(goJsonStringify({ d: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)) })).toBe('{"d":"2026-01-02T03:04:05.006Z"}');
    expect(goJsonStringify({ d: new Date(NaN) })).toBe('{"d":null}');
    expect(goJsonStringify({ x: { toJSON: (key: string) => ({ key, w: '<' }) } })).toBe('{"x":{"key":"x","w":"\\u003c"}}');
    expect(goJsonStringify([new String('s'), new Number(2), new Boolean(false), Object(3n)])).toBe('["s",2,false,3]');
  });

  it.each([
    ['NaN', NaN, /NaN/],
    ['Infinity', { a: Infinity }, /Infinity/],
    ['-Infinity', [-Infinity], /Infinity/],
    ['a function', { f: () => 1 }, /function.*"f"/],
    ['a symbol', { s: Symbol('x') }, /symbol/],
    ['a function in an array', [function named() {}], /function \(named\)/],
    ['undefined', undefined, /undefined/],
    ['a Map', { m: new Map() }, /Map/],
    ['a Set', new Set([1]), /Set/],
  ])('rejects %s', (_label, value, message) => {
    expect(() => goJsonStringify(value)).toThrow(InvalidArgumentError);
    expect(() => goJsonStringify(value)).toThrow(message);
  });

  it('rejects cycles but allows shared references', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(() => goJsonStringify(a)).toThrow(/cyclic/);
    const shared = { x: 1 };
    expect(goJsonStringify({ p: shared, q: [shared] })).toBe('{"p":{"x":1},"q":[{"x":1}]}');
  });
});

describe('goCanonicalize', () => {
  it('keeps number literals verbatim (json.Number)', () => {
    expect(goCanonicalize('{"b":1.50,"a":1E3,"c":-0,"d":123456789012345678,"e":1e-7}')).toBe(
      '{"a":1E3,"b":1.50,"c":-0,"d":123456789012345678,"e":1e-7}',
    );
  });

  it('round-trips the numbers fixture exactly, which goJsonStringify cannot', () => {
    for (const version of VERSIONS) {
      const entry = snapshot(version, 'enqueue').find((e) => e.key === 'fx:jobs:numbers');
      const text = argsText((entry?.value as string[])[0] as string);
      expect(text).toContain('"big":123456789012345678');
      expect(goCanonicalize(text)).toBe(text);
      expect(goJsonStringify(JSON.parse(text))).not.toBe(text);
    }
  });

  it('every Go-written args text in the fixtures is already canonical', () => {
    for (const { where, raw } of fixtureJobs()) {
      if (writtenByGo(raw)) expect(goCanonicalize(argsText(raw)), where).toBe(argsText(raw));
    }
  });

  it('turns cjson’s output into Go’s form', () => {
    const raw = snapshot('master', 'retry_and_dead').find((e) => e.key === 'fx:jobs:rd_p')?.value as string[];
    expect(goCanonicalize(argsText(raw[0] as string))).toBe(
      '{"big":1.2345678901235e+17,"empty":{},"f":0.1,"html":"\\u003ci\\u003e","nested":{"a":"x","b":{}},"path":"a/b"}',
    );
  });

  it.each([
    [' { "b" : [ 1 , 2 ] ,\n\t"a" : null }\r\n', '{"a":null,"b":[1,2]}'],
    ['"\\/\\u003c\\u0041\\b\\f"', '"/\\u003cA\\u0008\\u000c"'],
    ['"\\ud83d\\ude00"', '"😀"'],
    ['"\\ud800x"', '"\ufffdx"'], // Go decodes a lone surrogate escape to U+FFFD, then writes it raw
    ['"\\udc00\\ud800"', '"\ufffd\ufffd"'],
    ['"\\ud800\\u0041"', '"\ufffdA"'],
    ['{"a":1,"a":2,"A":3}', '{"A":3,"a":2}'],
    ['{"\\u00e9":1,"z":2}', '{"z":2,"é":1}'],
    ['[]', '[]'],
    ['{}', '{}'],
    ['true', 'true'],
    ['-0.0e-0', '-0.0e-0'],
  ])('%j -> %j', (input, expected) => {
    expect(goCanonicalize(input)).toBe(expected);
  });

  it.each([
    '',
    ' ',
    '{',
    '{"a":1,}',
    '[1,]',
    '[1 2]',
    '{"a" 1}',
    '{a:1}',
    "{'a':1}",
    '01',
    '1.',
    '.5',
    '+1',
    '1e',
    '-',
    'NaN',
    'tru',
    'nul',
    '"abc',
    '"a\u0001b"',
    '"\\x"',
    '"\\u12"',
    '"\\u12g4"',
    '1 2',
    '{"a":1}}',
    '[',
  ])('rejects %j', (input) => {
    expect(() => goCanonicalize(input)).toThrow(JsonSyntaxError);
    expect(() => goCanonicalize(input)).toThrow(InvalidJobError);
  });

  it('says where the text is broken', () => {
    expect(() => goCanonicalize('{"a":1,}')).toThrow('invalid JSON at offset 7: object key (a string) expected');
    expect(() => goCanonicalize('[1')).toThrow('invalid JSON at end of input');
  });

  it('allows nesting up to Go’s limit and no deeper', () => {
    const nest = (n: number): string => '['.repeat(n) + ']'.repeat(n);
    expect(goCanonicalize(nest(MAX_DEPTH))).toBe(nest(MAX_DEPTH));
    expect(() => goCanonicalize(nest(MAX_DEPTH + 1))).toThrow(/nesting deeper than 10000/);
    const objects = '{"a":'.repeat(MAX_DEPTH + 1) + '1' + '}'.repeat(MAX_DEPTH + 1);
    expect(() => goCanonicalize(objects)).toThrow(JsonSyntaxError);
  });
});

describe('goQuote fast path', () => {
  /** Go's escaping rules written out plainly, one character at a time, as the reference. */
  function reference(s: string): string {
    let out = '"';
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      const hex = (n: number) => `\\u${n.toString(16).padStart(4, '0')}`;
      if (c === 0x22) out += '\\"';
      else if (c === 0x5c) out += '\\\\';
      else if (c === 0x0a) out += '\\n';
      else if (c === 0x0d) out += '\\r';
      else if (c === 0x09) out += '\\t';
      else if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029) out += hex(c);
      else if (c >= 0xd800 && c <= 0xdbff && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff) out += s[i]! + s[++i]!;
      else if (c >= 0xd800 && c <= 0xdfff) out += '\\ufffd';
      else out += s[i];
    }
    return `${out}"`;
  }

  it('writes what Go writes for strings of every kind of character', () => {
    const alphabet = ['a', 'Z', ' ', '"', '\\', '/', '\n', '\r', '\t', '\b', '\f', '\u0000', '\u001f', '\u007f', '<', '>', '&', '\u2028', '\u2029', 'é', '世', '😀', '\ud800', '\udc00', '\uffff'];
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let n = 0; n < 2000; n++) {
      let s = '';
      const length = Math.floor(rand() * 12);
      // Half the strings draw only from characters the fast path takes.
      const pool = n % 2 === 0 ? alphabet.slice(0, 10).filter((c) => c !== '\b') : alphabet;
      for (let i = 0; i < length; i++) s += pool[Math.floor(rand() * pool.length)];
      expect(goQuote(s), JSON.stringify(s)).toBe(reference(s));
    }
  });
});

describe('goJsonStringify fast path', () => {
  it('writes exactly what the careful encoder writes, for plain values of every shape', () => {
    let seed = 11;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    // Controls JSON.stringify escapes as Go does (\u0001), text that merely
    // looks like an escape Go spells otherwise (a backslash before "b" or
    // "ud800"), and the real thing.
    const strings = ['', 'a', 'Zed', 'say "hi"', 'back\\slash', 'new\nline', 'tab\t', '<b>&', '\u2028', 'é世😀', '\ud800', '\udfff', '\b\f', 'x/y', '\u0001\u001f', 'x\\bf', 'a\\ud800', '😀\\f'];
    const keys = ['b', 'a', 'A', '_', 'é', '😀', '\uffff', 'a b', '__proto__', '10', '9', '<k>'];
    const value = (depth: number): unknown => {
      const r = rand();
      if (depth > 3 || r < 0.3) return strings[Math.floor(rand() * strings.length)];
      if (r < 0.4) return [0, -0, 1.5, -3, 1e21, 2 ** 53 + 2, 0.1][Math.floor(rand() * 7)];
      if (r < 0.45) return rand() < 0.5;
      if (r < 0.5) return null;
      if (r < 0.7) return Array.from({ length: Math.floor(rand() * 4) }, () => value(depth + 1));
      const o: Record<string, unknown> = {};
      for (let i = Math.floor(rand() * 5); i > 0; i--) Object.defineProperty(o, keys[Math.floor(rand() * keys.length)]!, { value: value(depth + 1), enumerable: true, writable: true, configurable: true });
      return o;
    };
    for (let n = 0; n < 3000; n++) {
      const v = { args: value(0) };
      expect(goJsonStringify(v), JSON.stringify(v)).toBe(goJsonStringifyCarefully(v));
    }
  });

  it('leaves the input untouched while reordering keys', () => {
    const v = { b: 1, a: { d: 2, c: 3 } };
    expect(goJsonStringify(v)).toBe('{"a":{"c":3,"d":2},"b":1}');
    expect(Object.keys(v)).toEqual(['b', 'a']);
    expect(Object.keys(v.a)).toEqual(['d', 'c']);
  });
});
