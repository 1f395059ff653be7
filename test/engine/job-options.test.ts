import { describe, expect, it } from 'vitest';
import { resolveJobOptions } from '../../src/engine/pool/job-options.js';

describe('resolveJobOptions', () => {
  it('fills in gocraft\'s defaults, and 3 rescues', () => {
    expect(resolveJobOptions('q')).toMatchObject({ priority: 1, maxFails: 4, skipDead: false, maxConcurrency: 0, timeoutMs: 0, maxRescues: 3 });
    expect(resolveJobOptions('q', { maxRescues: Infinity }).maxRescues).toBe(Infinity);
    expect(resolveJobOptions('q', { maxRescues: 1 }).maxRescues).toBe(1);
  });

  it.each([
    [{ priority: 0 }, /priority must be an integer from 1 to 100000/],
    [{ maxFails: -1 }, /maxFails must be a positive integer/],
    [{ maxConcurrency: 1.5 }, /maxConcurrency must be an integer >= 0/],
    [{ timeoutMs: -5 }, /timeoutMs must be a number >= 0/],
    [{ maxRescues: 0 }, /maxRescues must be a positive integer or Infinity, got 0/],
    [{ maxRescues: 2.5 }, /maxRescues must be a positive integer or Infinity/],
  ])('refuses %j', (options, message) => {
    expect(() => resolveJobOptions('q', options)).toThrow(message);
  });
});
