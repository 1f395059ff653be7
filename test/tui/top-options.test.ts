import { describe, expect, it } from 'vitest';
import { readOnlyFromEnv } from '../../src/commands/top.js';
import { colorWanted } from '../../src/tui/run-console.js';

describe('work top options', () => {
  it('reads WORK_READ_ONLY as on for 1, true or yes, and off when unset, empty, 0, false or no', () => {
    for (const on of ['1', 'true', 'YES', ' yes ']) expect(readOnlyFromEnv(on), on).toBe(true);
    for (const off of [undefined, '', '0', 'false', 'No']) expect(readOnlyFromEnv(off), String(off)).toBe(false);
  });

  it('turns colour off for a non-empty NO_COLOR only', () => {
    expect(colorWanted({})).toBe(true);
    expect(colorWanted({ NO_COLOR: '' })).toBe(true);
    expect(colorWanted({ NO_COLOR: '1' })).toBe(false);
  });
});
