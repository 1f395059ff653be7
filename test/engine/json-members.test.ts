import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, InvalidJobError } from '../../src/engine/errors.js';
import { editTopLevel, foldKey, topLevelMembers } from '../../src/engine/codec/json-members.js';
import { JsonSyntaxError } from '../../src/engine/codec/json-text.js';
import { snapshot } from '../support/fixtures.js';

// cjson wrote this one (the Lua requeue script): hash key order, "\/", 1.2345678901235e+17.
const cjsonJob = (snapshot('master', 'retry_and_dead').find((e) => e.key === 'fx:jobs:rd_p')?.value as string[])[0] as string;
const numbersJob = (snapshot('master', 'enqueue').find((e) => e.key === 'fx:jobs:numbers')?.value as string[])[0] as string;

describe('topLevelMembers', () => {
  it('lists members with exact value bytes and spans', () => {
    const raw = numbersJob;
    const members = topLevelMembers(raw);
    expect(members.map((m) => m.key)).toEqual(['name', 'id', 't', 'args']);
    for (const m of members) expect(raw.slice(m.start, m.end)).toBe(`"${m.key}":${m.valueText}`);
    expect(members[3]?.valueText).toContain('"uint64_max":18446744073709551615');
  });

  it('handles whitespace, escaped keys and duplicates', () => {
    const raw = ' {\n  "a" : [1, {"x":"}"}] ,\t"\\u0074":"\\"" , "a":null }\n';
    const members = topLevelMembers(raw);
    expect(members.map(({ key, valueText }) => [key, valueText])).toEqual([
      ['a', '[1, {"x":"}"}]'],
      ['t', '"\\""'],
      ['a', 'null'],
    ]);
    expect(members.map((m) => raw.slice(m.start, m.end))).toEqual(['"a" : [1, {"x":"}"}]', '"\\u0074":"\\""', '"a":null']);
    expect(topLevelMembers('{}')).toEqual([]);
    expect(topLevelMembers(' { } ')).toEqual([]);
  });

  it('reads the cjson job', () => {
    const members = topLevelMembers(cjsonJob);
    expect(members.map((m) => m.key)).toEqual(['failed_at', 'name', 'args', 'id', 't', 'err', 'fails']);
    expect(members[2]?.valueText).toContain('"path":"a\\/b"');
  });

  it.each(['[]', 'null', '"x"', '5'])('rejects the non-object %j', (raw) => {
    expect(() => topLevelMembers(raw)).toThrow(InvalidJobError);
    expect(() => topLevelMembers(raw)).toThrow('not an object');
  });

  it.each(['', '{', '{"a"}', '{"a":1,}', '{"a":1}x', '{"a":[}', '{"a":1 "b":2}', '[1', '{"a":"\u0000"}'])(
    'rejects the invalid JSON %j',
    (raw) => {
      expect(() => topLevelMembers(raw)).toThrow(JsonSyntaxError);
    },
  );
});

describe('foldKey', () => {
  it('folds as Go matches field names', () => {
    expect(foldKey('ARGS')).toBe('args');
    expect(foldKey('Failed_At')).toBe('failed_at');
    expect(foldKey('arg\u017f')).toBe('args'); // ſ folds to s in Go
    expect(foldKey('unique_\u212aey')).toBe('unique_key'); // the Kelvin sign folds to k
  });
});

describe('editTopLevel', () => {
  it('without edits returns the very same bytes', () => {
    for (const raw of [cjsonJob, numbersJob, ' { "a" : 1 ,\n "b":2 } ', '{}', '{ }']) {
      expect(editTopLevel(raw, {})).toBe(raw);
      expect(editTopLevel(raw, { set: {}, remove: ['nope'] })).toBe(raw);
    }
  });

  it('sets a value in place, keeping the key bytes and everything else', () => {
    expect(editTopLevel('{"a":1,"T":5,"b":2}', { set: { t: 7 } })).toBe('{"a":1,"T":7,"b":2}');
    expect(editTopLevel('{ "t" : "x" , "b":2}', { set: { t: 7 } })).toBe('{ "t" : 7 , "b":2}');
    const edited = editTopLevel(cjsonJob, { set: { t: 1800000000 } });
    expect(edited).toBe(cjsonJob.replace('"t":1795408256', '"t":1800000000'));
  });

  it('drops later duplicates of a key it sets (Go would let them win)', () => {
    expect(editTopLevel('{"t":1,"a":0,"T":2,"t":3}', { set: { t: 9 } })).toBe('{"t":9,"a":0}');
    expect(editTopLevel('{"a":0,"t":1,"T":2}', { set: { t: 9 } })).toBe('{"a":0,"t":9}');
  });

  it('appends missing keys in the order given, with Go’s encoding', () => {
    expect(editTopLevel('{"a":1}', { set: { fails: 1, err: '<x> & "y"\n', failed_at: 2, ok: true } })).toBe(
      '{"a":1,"fails":1,"err":"\\u003cx\\u003e \\u0026 \\"y\\"\\n","failed_at":2,"ok":true}',
    );
    expect(editTopLevel('{}', { set: { a: 1, b: false } })).toBe('{"a":1,"b":false}');
    expect(editTopLevel(' { \n } ', { set: { a: 1 } })).toBe(' {"a":1 \n } ');
    expect(editTopLevel('{"a":1 }', { set: { b: 2 } })).toBe('{"a":1,"b":2 }');
    expect(editTopLevel('{"a":1}', { set: { '<': 'é' } })).toBe('{"a":1,"\\u003c":"é"}');
  });

  it('removes members with their commas, wherever they are', () => {
    const raw = '{ "a":1 , "b":2 ,\n "c":3 }';
    expect(editTopLevel(raw, { remove: ['a'] })).toBe('{ "b":2 ,\n "c":3 }');
    // The separator kept is the one that followed the previous kept member.
    expect(editTopLevel(raw, { remove: ['b'] })).toBe('{ "a":1 , "c":3 }');
    expect(editTopLevel(raw, { remove: ['c'] })).toBe('{ "a":1 , "b":2 }');
    expect(editTopLevel(raw, { remove: ['a', 'c'] })).toBe('{ "b":2 }');
    expect(editTopLevel(raw, { remove: ['A', 'B', 'c'] })).toBe('{  }');
    expect(editTopLevel('{"x":1,"X":2,"y":3,"x":4}', { remove: ['x'] })).toBe('{"y":3}');
    expect(editTopLevel('{"only":1}', { remove: ['only'] })).toBe('{}');
  });

  it('combines set and remove', () => {
    expect(editTopLevel('{"unique":true,"t":1,"unique_key":"k"}', { set: { t: 2, fails: 1 }, remove: ['unique', 'unique_key'] })).toBe(
      '{"t":2,"fails":1}',
    );
    expect(editTopLevel('{"unique":true}', { set: { a: 1 }, remove: ['unique'] })).toBe('{"a":1}');
  });

  it('keeps every byte of args it does not touch (big integers, cjson escapes)', () => {
    const argsBefore = topLevelMembers(numbersJob).find((m) => m.key === 'args')?.valueText;
    const edited = editTopLevel(numbersJob, { set: { t: 1, fails: 3 }, remove: ['id'] });
    expect(topLevelMembers(edited).find((m) => m.key === 'args')?.valueText).toBe(argsBefore);
    const cjsonEdited = editTopLevel(cjsonJob, { set: { fails: 2, err: 'e' }, remove: ['failed_at'] });
    expect(cjsonEdited).toContain('"path":"a\\/b"');
    expect(cjsonEdited).toContain('"big":1.2345678901235e+17');
  });

  it('rejects values Go could not decode and contradictory edits', () => {
    expect(() => editTopLevel('{}', { set: { t: 1.5 } })).toThrow(InvalidArgumentError);
    expect(() => editTopLevel('{}', { set: { t: 2 ** 53 } })).toThrow(/integer/);
    expect(() => editTopLevel('{}', { set: { t: NaN } })).toThrow(InvalidArgumentError);
    expect(() => editTopLevel('{}', { set: { t: 1, T: 2 } })).toThrow(/set twice/);
    expect(() => editTopLevel('{}', { set: { t: 1 }, remove: ['T'] })).toThrow(/both set and removed/);
    expect(() => editTopLevel('[]', { set: { t: 1 } })).toThrow(InvalidJobError);
  });

  it('always yields valid JSON with the expected members (randomized)', () => {
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const pool = ['a', 'B', 'c', 't', 'T'];
    const spaces = ['', ' ', '\n', ' \t '];
    const sp = (): string => spaces[rand(spaces.length)] as string;
    for (let round = 0; round < 2000; round++) {
      const members: Array<[string, number]> = [];
      for (let i = rand(5); i > 0; i--) members.push([pool[rand(pool.length)] as string, rand(100)]);
      const raw = `${sp()}{${sp()}${members.map(([k, v]) => `"${k}"${sp()}:${sp()}${v}`).join(`${sp()},${sp()}`)}${sp()}}${sp()}`;
      const setKey = pool[rand(pool.length)] as string;
      const removeKey = pool[rand(pool.length)] as string;
      const edits = foldKey(setKey) === foldKey(removeKey) ? { set: { [setKey]: 1000 } } : { set: { [setKey]: 1000 }, remove: [removeKey] };

      // Expected: Go's view (case-insensitive, last duplicate wins) after the edits.
      const expected = new Map<string, number>();
      for (const [k, v] of members) expected.set(foldKey(k), v);
      if (edits.remove) expected.delete(foldKey(removeKey));
      expected.set(foldKey(setKey), 1000);

      const out = editTopLevel(raw, edits);
      const seen = new Map<string, number>();
      JSON.parse(out); // valid JSON
      for (const m of topLevelMembers(out)) seen.set(foldKey(m.key), JSON.parse(m.valueText) as number);
      const folded = topLevelMembers(out).map((m) => foldKey(m.key));
      expect(folded.filter((k) => k === foldKey(setKey)), out).toHaveLength(1); // no duplicate left to override the edit
      expect(Object.fromEntries(seen), `${raw} ${JSON.stringify(edits)}`).toEqual(Object.fromEntries(expected));
    }
  });
});
