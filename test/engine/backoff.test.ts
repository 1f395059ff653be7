import { describe, expect, it } from 'vitest';
import { defaultBackoff, failureFate } from '../../src/engine/pool/backoff.js';

describe('defaultBackoff (gocraft: fails^4 + 15 + R*(fails+1), R in 0..29)', () => {
  it('spans 16..74 s on the first failure', () => {
    expect(defaultBackoff(1, () => 0)).toBe(16);
    expect(defaultBackoff(1, () => 0.9999)).toBe(16 + 29 * 2);
  });
  it('grows with the failure count', () => {
    expect(defaultBackoff(2, () => 0)).toBe(31);
    expect(defaultBackoff(3, () => 0.9999)).toBe(81 + 15 + 29 * 4);
    expect(defaultBackoff(4, () => 0)).toBe(271);
  });
  it('matches the retry gaps gocraft wrote in the fixtures (16 and 24 s, 22 and 52 s)', () => {
    for (const gap of [16, 24, 22, 52]) {
      const r = (gap - 16) / 2;
      expect(Number.isInteger(r) && r >= 0 && r <= 29).toBe(true);
      expect(defaultBackoff(1, () => r / 30 + 1e-9)).toBe(gap);
    }
  });
});

describe('failureFate', () => {
  it('retries while attempts remain, then dead', () => {
    expect(failureFate(1, 4, false)).toBe('retry');
    expect(failureFate(3, 4, false)).toBe('retry');
    expect(failureFate(4, 4, false)).toBe('dead');
  });
  it('MaxFails 1 goes straight to dead; SkipDead discards instead', () => {
    expect(failureFate(1, 1, false)).toBe('dead');
    expect(failureFate(2, 2, true)).toBe('discard');
    expect(failureFate(1, 2, true)).toBe('retry');
  });
});
