// Request bodies as JSON without losing digits. JSON.parse turns an integer
// beyond 2^53 into the nearest double, so a Go producer's ID such as
// 12345678901234567890 would be enqueued as another number. Here such an
// integer becomes a BigInt, which the job encoder writes back digit for
// digit; every other number is read as JSON.parse reads it (as Go's float64
// does). Keys are set as own properties, so "__proto__" stays a plain key.
import { parseJsonText, type JsonBuilder, type JsonContainer } from '../engine/codec/json-text.js';

const INTEGER = /^-?(?:0|[1-9][0-9]*)$/;

function numberValue(text: string): unknown {
  const n = Number(text);
  if (INTEGER.test(text) && !Number.isSafeInteger(n)) return BigInt(text);
  return n;
}

function container(isArray: boolean): JsonContainer<unknown> {
  const items: unknown[] = [];
  const record: Record<string, unknown> = {};
  return {
    add(value, key) {
      if (isArray) items.push(value);
      else Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
    },
    finish: () => (isArray ? items : record),
  };
}

const BUILDER: JsonBuilder<unknown> = {
  string: (value) => value,
  number: numberValue,
  literal: (text) => (text === 'null' ? null : text === 'true'),
  object: () => container(false),
  array: () => container(true),
};

/** Parses JSON text; throws the codec's JsonSyntaxError (with the offset) when it is not JSON. */
export function parseExactJson(text: string): unknown {
  return parseJsonText(text, BUILDER);
}
