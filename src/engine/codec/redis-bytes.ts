// Values read from Redis that may be sent back: a list element to LREM, a
// sorted-set member to ZREM. Redis compares bytes, so what goes back must be
// exactly what came in. Text that is valid UTF-8 survives a round trip through
// a JS string unchanged, and strings are what the rest of the engine (and
// ioredis' fast path) work with; anything else is kept as the Buffer it was.
import { isUtf8 } from 'node:buffer';

/** A value's exact bytes: its text when they are UTF-8, the raw Buffer when not. */
export type RedisBytes = string | Buffer;

/** Wrap a reply read with an ioredis `…Buffer` command. */
export function fromReply(bytes: Buffer): RedisBytes {
  return isUtf8(bytes) ? bytes.toString('utf8') : bytes;
}

/** Every element of a Buffer reply (a list or a flat member/score array). */
export function fromReplies(replies: readonly Buffer[]): RedisBytes[] {
  return replies.map(fromReply);
}

export function isText(value: RedisBytes): value is string {
  return typeof value === 'string';
}

/**
 * The value as text: itself when it is text, else its bytes decoded with each
 * invalid sequence read as U+FFFD, as Go's JSON decoder reads them. For
 * looking at a value only: the result is not the value's bytes.
 */
export function textOf(value: RedisBytes): string {
  return typeof value === 'string' ? value : value.toString('utf8');
}

/** A Map key standing for exactly these bytes (strings and Buffers never collide). */
export function bytesKey(value: RedisBytes): string {
  return typeof value === 'string' ? `s${value}` : `b${value.toString('latin1')}`;
}

export function sameBytes(a: RedisBytes | undefined, b: RedisBytes | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (typeof a === 'string' && typeof b === 'string') return a === b;
  if (typeof a === 'string' || typeof b === 'string') return false; // fromReply makes text of every UTF-8 value
  return a.equals(b);
}

/** Offset of the first byte that does not belong to valid UTF-8 (for error messages), or -1. */
export function firstInvalidUtf8(bytes: Buffer): number {
  if (isUtf8(bytes)) return -1;
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    // The ranges of RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF.
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead === 0xe0) low = 0xa0;
      if (lead === 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead === 0xf0) low = 0x90;
      if (lead === 0xf4) high = 0x8f;
    } else return i;
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined || next < (k === 1 ? low : 0x80) || next > (k === 1 ? high : 0xbf)) return i;
    }
    i += length;
  }
  return -1; // not reached: isUtf8 said otherwise
}
