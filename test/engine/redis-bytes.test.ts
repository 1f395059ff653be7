import { describe, expect, it } from 'vitest';
import { deadLetterBytes } from '../../src/engine/codec/dead-letter.js';
import { decodeJob, decodeJobValue } from '../../src/engine/codec/job.js';
import { bytesKey, firstInvalidUtf8, fromReply, sameBytes, textOf } from '../../src/engine/codec/redis-bytes.js';

const b = (...bytes: number[]): Buffer => Buffer.from(bytes);

describe('values read from Redis', () => {
  it('are text when their bytes are UTF-8 (the same bytes either way), Buffers otherwise', () => {
    expect(fromReply(Buffer.from('héllo 世界 🎉'))).toBe('héllo 世界 🎉');
    const bad = b(0x61, 0xff, 0x62);
    expect(fromReply(bad)).toBe(bad);
    // Surrogates encoded in UTF-8 (CESU-8) and overlong forms are not UTF-8.
    expect(Buffer.isBuffer(fromReply(b(0xed, 0xa0, 0x80)))).toBe(true);
    expect(Buffer.isBuffer(fromReply(b(0xc0, 0xaf)))).toBe(true);
  });

  it('read as text the way Go reads them, one U+FFFD per bad sequence', () => {
    expect(textOf(b(0x61, 0xff, 0x62))).toBe('a\ufffdb');
    expect(textOf('plain')).toBe('plain');
  });

  it('compare and key by their exact bytes', () => {
    expect(sameBytes(b(0xff), b(0xff))).toBe(true);
    expect(sameBytes(b(0xff), b(0xfe))).toBe(false);
    expect(sameBytes('\ufffd', b(0xff))).toBe(false);
    expect(sameBytes(undefined, undefined)).toBe(true);
    expect(bytesKey(b(0xff))).not.toBe(bytesKey(textOf(b(0xff))));
    expect(bytesKey(b(0x73, 0xff))).not.toBe(bytesKey('s\u00ff'));
  });

  it('name the first byte that breaks UTF-8', () => {
    expect(firstInvalidUtf8(Buffer.from('ok'))).toBe(-1);
    expect(firstInvalidUtf8(b(0x61, 0x62, 0xff))).toBe(2);
    expect(firstInvalidUtf8(Buffer.concat([Buffer.from('é'), b(0xe2, 0x82)]))).toBe(2); // a cut 3-byte sequence
    expect(firstInvalidUtf8(b(0xf4, 0x90, 0x80, 0x80))).toBe(0); // past U+10FFFF
    expect(firstInvalidUtf8(b(0xe0, 0x80, 0x80))).toBe(0); // overlong
    expect(firstInvalidUtf8(Buffer.concat([Buffer.from('€'), b(0xed, 0xa0, 0x80)]))).toBe(3); // a surrogate
  });
});

describe('decoding a value a pool may run', () => {
  it('refuses bytes that are not UTF-8, saying where', () => {
    const raw = Buffer.concat([Buffer.from('{"name":"q","id":"1","t":1,"args":{"a":"'), b(0xff), Buffer.from('"}}')]);
    expect(() => decodeJobValue(raw)).toThrow('invalid job: not UTF-8 (byte 0xff at offset 40)');
    expect(decodeJobValue('{"name":"q","id":"1","t":1,"args":null}').name).toBe('q');
  });

  it('reads an escaped lone surrogate as U+FFFD, as Go does', () => {
    expect(decodeJob('{"name":"q","id":"1","t":1,"args":{"a":"x\\udc00y","b":["\\ud800"]}}').args).toEqual({ a: 'x\ufffdy', b: ['\ufffd'] });
  });

  it('refuses nesting deeper than Go allows, however long the text', () => {
    const nest = (n: number) => `{"name":"q","id":"1","t":1,"args":{"a":${'['.repeat(n)}${']'.repeat(n)}}}`;
    expect(decodeJob(nest(9_998)).name).toBe('q');
    expect(() => decodeJob(nest(10_000))).toThrow(/nesting deeper than 10000/);
  });
});

describe('the dead letter of a value that is not UTF-8', () => {
  it('keeps the job readable as Go reads it and its exact bytes in raw_base64', () => {
    const raw = Buffer.concat([Buffer.from('{"name":"q","id":"j1","t":1,"args":{"a":"'), b(0xff), Buffer.from('"}}')]);
    const letter = deadLetterBytes(raw, 'queue', 'invalid job: not UTF-8', 100);
    expect(letter).toBe(
      `{"name":"q","id":"j1","t":1,"args":{"a":"\ufffd"},"fails":1,"err":"invalid job: not UTF-8","failed_at":100,"raw_base64":"${raw.toString('base64')}"}`,
    );
  });

  it('wraps bytes that are not an object, with their text and their exact bytes', () => {
    const raw = b(0xfe, 0x00, 0x41);
    const parsed = JSON.parse(deadLetterBytes(raw, 'queue', 'invalid job: not UTF-8', 100)) as Record<string, unknown>;
    expect(parsed).toMatchObject({ name: 'queue', args: null, fails: 1, raw: '\ufffd\u0000A', raw_base64: raw.toString('base64') });
  });
});
