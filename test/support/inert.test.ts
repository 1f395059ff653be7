import { describe, expect, it } from 'vitest';
import { inert } from '../../src/support/inert.js';

describe('inert', () => {
  it('leaves ordinary text, CJK, emoji and backslashes as they are', () => {
    for (const text of ['send_email', 'キュー 日本語', '🚀 launch 👩‍💻', 'C:\\temp\\x', '{"a":[1,2]}', 'é (e + U+0301: e\u0301)']) {
      expect(inert(text)).toBe(text);
    }
  });

  it('shows escape sequences instead of passing them on', () => {
    const title = '\x1b]0;owned\x07';
    const clear = '\x1b[2J\x1b[H';
    const clipboard = '\x1b]52;c;aGVsbG8=\x1b\\';
    expect(inert(`boom${title}${clear}${clipboard}`)).toBe('boom\\x1b]0;owned\\x07\\x1b[2J\\x1b[H\\x1b]52;c;aGVsbG8=\\x1b\\');
    expect(inert(`${title}${clear}${clipboard}`)).not.toMatch(/[\x00-\x1f]/);
  });

  it('names line breaks and tabs, and keeps line feeds only when asked', () => {
    expect(inert('a\nb\r\nc\td')).toBe('a\\nb\\r\\nc\\td');
    expect(inert('a\nb\r\nc\td', { multiline: true })).toBe('a\nb\\r\nc\\td');
    expect(inert('\x1b[31m\n', { multiline: true })).toBe('\\x1b[31m\n');
  });

  it('shows every C0 control, DEL and every C1 control', () => {
    for (let code = 0; code < 0xa0; code++) {
      if (code >= 0x20 && code < 0x7f) continue;
      const out = inert(`<${String.fromCharCode(code)}>`);
      expect(out, `U+${code.toString(16)}`).toMatch(/^<\\(x[0-9a-f]{2}|[nrt])>$/);
    }
    expect(inert('\x7f')).toBe('\\x7f');
    // U+009B is a one-character CSI; U+009D a one-character OSC.
    expect(inert('\u009b2J\u009d0;t\u009c')).toBe('\\x9b2J\\x9d0;t\\x9c');
  });

  it('shows bidi controls and line separators, which reorder or break what is read', () => {
    expect(inert('abc\u202Edcb')).toBe('abc\\u202edcb');
    for (const code of [0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x2028, 0x2029]) {
      expect(inert(String.fromCharCode(code))).toBe(`\\u${code.toString(16).padStart(4, '0')}`);
    }
  });

  it('shows lone surrogates but keeps pairs', () => {
    expect(inert('a\ud83db')).toBe('a\\ud83db');
    expect(inert('\ude80')).toBe('\\ude80');
    expect(inert('\ud83d\ude80')).toBe('🚀');
  });

  it('leaves nothing a terminal would act on, whatever the input', () => {
    let all = '';
    for (let code = 0; code < 0x3000; code++) all += String.fromCharCode(code);
    expect(inert(all)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  });
});
