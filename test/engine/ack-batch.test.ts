import { describe, expect, it } from 'vitest';
import { ackBatchArgs, type NameKeys } from '../../src/engine/ack-batch.js';

const keysOf = (name: string): NameKeys => [`ip:${name}`, `lock:${name}`, `info:${name}`];
const FIXED = ['retry', 'dead', 'processed', 'failed'];

describe('ackBatchArgs', () => {
  it('groups jobs by name, one argument per success and four per failure, keys once per name', () => {
    const [keys, args] = ackBatchArgs(
      [
        { bytes: 'a1', name: 'a', outcome: { kind: 'ok' } },
        { bytes: 'b1', name: 'b', outcome: { kind: 'retry', score: 100, bytes: 'b1+fail' } },
        { bytes: 'a2', name: 'a', outcome: { kind: 'ok' } },
        { bytes: 'a3', name: 'a', outcome: { kind: 'dead', score: 200, bytes: 'a3+dead' } },
        { bytes: 'b2', name: 'b', outcome: { kind: 'discard' } },
      ],
      FIXED,
      keysOf,
      'pool1',
    );
    expect(keys).toEqual([...FIXED, 'ip:a', 'lock:a', 'info:a', 'ip:b', 'lock:b', 'info:b']);
    expect(args).toEqual([
      'pool1',
      'a', '2', '1', 'a1', 'a2', 'a3', 'dead', '200', 'a3+dead',
      'b', '0', '2', 'b1', 'retry', '100', 'b1+fail', 'b2', 'discard', '', '',
    ]);
  });

  it('sends only the fixed keys and the pool id for an empty batch', () => {
    expect(ackBatchArgs([], FIXED, keysOf, 'p')).toEqual([FIXED, ['p']]);
  });
});
