import { describe, expect, it } from 'vitest';
import { textWidth } from '../../src/support/fit.js';
import { flow, frameOf, overviewPlan, tabLabels, TWO_COLUMNS_FROM, type OverviewPlan } from '../../src/tui/state/layout.js';

/** Lines the plan takes in its tallest screen column. */
function linesUsed(plan: OverviewPlan, demand: Record<string, number>): number {
  const byColumn = [0, 0];
  const count = [0, 0];
  for (const s of plan.sections) {
    byColumn[s.column]! += demand[s.name] === 0 ? 1 : 2 + s.rows;
    count[s.column]! += 1;
  }
  return Math.max(...byColumn.map((lines, c) => lines + plan.spacing * Math.max(0, count[c]! - 1)));
}

describe('screen layout', () => {
  it('frames the body between a two-line header and a two-line footer, a line short of the screen', () => {
    expect(frameOf({ columns: 80, rows: 24 })).toEqual({ width: 79, bodyHeight: 19 });
    expect(frameOf({ columns: 60, rows: 15 })).toEqual({ width: 59, bodyHeight: 10 });
    expect(frameOf({ columns: 10, rows: 4 })).toEqual({ width: 20, bodyHeight: 3 });
  });

  it('names every view in the tabs when they fit, else only the current one', () => {
    expect(tabLabels(119, 'dead').join('')).toBe(' 1 Overview  2 Queues  3 Pools  4 Workers  5 Retry  6 Scheduled  7 Dead  8 Stats ');
    expect(tabLabels(79, 'dead').join('')).toBe(' 1 Overview 2 Queues 3 Pools 4 Workers 5 Retry 6 Scheduled 7 Dead 8 Stats ');
    const narrow = tabLabels(59, 'workers');
    expect(narrow.join('')).toBe(' 1  2  3  4 Workers  5  6  7  8 ');
    expect(textWidth(narrow.join(''))).toBeLessThanOrEqual(59);
  });

  it('flows items onto lines that fit', () => {
    expect(flow([6, 7, 11], 20, 3)).toEqual([[0, 1], [2]]);
    expect(flow([30], 20, 3)).toEqual([[0]]);
    expect(flow([], 20, 3)).toEqual([]);
  });
});

describe('overview plan per size', () => {
  const busy = { queues: 40, pools: 12, workers: 30 };

  it('at 80x24 shows some of every section, queues the most, within the height', () => {
    const height = 19 - 3;
    const plan = overviewPlan(79, height, busy);
    expect(plan.columns).toBe(1);
    expect(plan.sections.map((s) => s.name)).toEqual(['queues', 'pools', 'workers']);
    const rows = Object.fromEntries(plan.sections.map((s) => [s.name, s.rows]));
    expect(rows.queues).toBeGreaterThan(rows.pools!);
    expect(rows.pools).toBeGreaterThanOrEqual(1);
    expect(rows.workers).toBeGreaterThanOrEqual(1);
    expect(linesUsed(plan, busy)).toBe(height);
  });

  it('at 60x15 leaves out sections, least important first, rather than showing titles without rows', () => {
    const plan = overviewPlan(59, 6, busy);
    expect(plan.sections.map((s) => s.name)).toEqual(['queues', 'pools']);
    expect(plan.sections.every((s) => s.rows >= 1)).toBe(true);
    expect(linesUsed(plan, busy)).toBeLessThanOrEqual(6);
    expect(overviewPlan(59, 3, busy).sections.map((s) => s.name)).toEqual(['queues']);
  });

  it('at 120x40 uses the height, with a blank line between sections', () => {
    const plan = overviewPlan(119, 33, busy);
    expect(plan.spacing).toBe(1);
    expect(linesUsed(plan, busy)).toBe(33);
    expect(plan.sections.find((s) => s.name === 'queues')!.rows).toBeGreaterThan(10);
  });

  it('at 200x60 puts queues on the left and pools and workers on the right', () => {
    const plan = overviewPlan(199, 53, busy);
    expect(199).toBeGreaterThanOrEqual(TWO_COLUMNS_FROM);
    expect(plan.columns).toBe(2);
    expect(plan.columnWidth).toBe(98);
    expect(plan.sections.map((s) => [s.name, s.column])).toEqual([
      ['queues', 0],
      ['pools', 1],
      ['workers', 1],
    ]);
    expect(plan.sections[0]!.rows).toBe(40);
    expect(linesUsed(plan, busy)).toBeLessThanOrEqual(53);
  });

  it('gives a section only the rows it has, and one line when it has none', () => {
    const plan = overviewPlan(79, 16, { queues: 2, pools: 0, workers: 1 });
    expect(plan.sections.map((s) => [s.name, s.rows])).toEqual([
      ['queues', 2],
      ['pools', 0],
      ['workers', 1],
    ]);
  });
});
