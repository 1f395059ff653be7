import { describe, expect, it } from 'vitest';
import { layoutColumns, fitTable, type ColumnSpec } from '../../src/support/columns.js';
import { clipForWidth, fit, pad, textWidth, truncate, wrap } from '../../src/support/fit.js';

describe('width-aware fitting', () => {
  it('measures CJK and emoji as two columns, combining marks as none', () => {
    expect(textWidth('abc')).toBe(3);
    expect(textWidth('日本語')).toBe(6);
    expect(textWidth('🚀')).toBe(2);
    expect(textWidth('👩‍💻')).toBe(2);
    expect(textWidth('e\u0301')).toBe(1);
  });

  it('cuts at the end or in the middle, keeping both ends', () => {
    expect(truncate('send_email', 20)).toBe('send_email');
    expect(truncate('reports_export_monthly_eu', 12)).toBe('reports_exp…');
    expect(truncate('reports_export_monthly_eu', 12, 'middle')).toBe('report…ly_eu');
    expect(truncate('reports_export_monthly_us', 12, 'middle')).toBe('report…ly_us');
    expect(truncate('abc', 1)).toBe('…');
    expect(truncate('abc', 0)).toBe('');
  });

  it('never cuts inside a wide character or an emoji cluster', () => {
    // 3 columns cannot hold two CJK characters: one, then the ellipsis.
    expect(truncate('日本語', 4)).toBe('日…');
    expect(textWidth(truncate('日本語', 4))).toBe(3);
    expect(truncate('👩‍💻👩‍💻👩‍💻', 5)).toBe('👩‍💻👩‍💻…');
    expect(truncate('日本語キュー名前', 9, 'middle')).toBe('日本…名前');
    for (let w = 1; w < 12; w++) {
      for (const cut of ['end', 'middle'] as const) {
        const out = truncate('キュー🚀emails日本', w, cut);
        expect(textWidth(out), `${cut} ${w}`).toBeLessThanOrEqual(w);
        expect(out).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
      }
    }
  });

  it('pads to an exact width, on either side', () => {
    expect(pad('日本', 6)).toBe('日本  ');
    expect(pad('7', 4, 'right')).toBe('   7');
    expect(fit('日本語のキュー', 8)).toBe('日本語… ');
    expect(fit('日本語のキュー', 8, 'right')).toBe(' 日本語…');
    for (const text of ['x', '日本語のキュー', '🚀🚀🚀🚀', 'plain text that is long']) {
      for (let w = 2; w < 14; w++) expect(textWidth(fit(text, w))).toBe(w);
    }
  });

  it('costs what fits, not the length of the text', () => {
    const huge = 'x'.repeat(5_000_000);
    const started = performance.now();
    expect(truncate(huge, 40)).toBe(`${'x'.repeat(39)}…`);
    expect(truncate(huge, 40, 'middle')).toBe(`${'x'.repeat(20)}…${'x'.repeat(19)}`);
    expect(performance.now() - started).toBeLessThan(500);
    expect(clipForWidth(huge, 40).length).toBeLessThan(1000);
    expect(clipForWidth(`head${huge}tail`, 40, 'middle')).toMatch(/^head.*tail$/);
  });

  it('wraps at spaces, and mid-word when a word is longer than a line', () => {
    expect(wrap('the quick brown fox', 10)).toEqual(['the quick', 'brown fox']);
    expect(wrap('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(wrap('one\ntwo', 10)).toEqual(['one', 'two']);
    expect(wrap('日本語日本語', 5)).toEqual(['日本', '語日', '本語']);
    for (const line of wrap('キュー 🚀 emails and more 日本語 text '.repeat(20), 13)) expect(textWidth(line)).toBeLessThanOrEqual(13);
  });
});

describe('column layout', () => {
  const spec = (title: string, extra: Partial<ColumnSpec<unknown>> = {}) => ({ title, ...extra });

  it('gives every column its content when there is room', () => {
    expect(layoutColumns([spec('Queue'), spec('Queued')], [12, 3], 80, 2)).toEqual([12, 6]);
  });

  it('never cuts a header while the table has room: it shrinks values first', () => {
    const widths = layoutColumns([spec('Queue', { min: 8 }), spec('Throughput')], [40, 6], 30, 2);
    expect(widths[1]).toBe(10);
    expect(widths[0]).toBe(18);
  });

  it('drops the lowest-ranked columns when even the titles do not fit', () => {
    const specs = [spec('ID', { rank: 9, min: 24 }), spec('Job', { rank: 8, min: 12 }), spec('Error', { rank: 5, min: 16 }), spec('Args', { rank: 1, min: 10 })];
    expect(layoutColumns(specs, [24, 30, 200, 80], 60, 3).map((w) => w > 0)).toEqual([true, true, true, false]);
    expect(layoutColumns(specs, [24, 30, 200, 80], 40, 3).map((w) => w > 0)).toEqual([true, true, false, false]);
    expect(layoutColumns(specs, [24, 30, 200, 80], 140, 3).every((w) => w > 0)).toBe(true);
    // One column left: it is cut to the width.
    expect(layoutColumns(specs, [24, 30, 200, 80], 10, 3)).toEqual([10, 0, 0, 0]);
  });

  it('shows an extra column only when every other column is whole', () => {
    const specs = [spec('Job', { min: 12, rank: 9 }), spec('Check-in', { min: 12, rank: 7 }), spec('Args', { min: 8, rank: 3, extra: true })];
    // 25 + 18 + 7 and two gaps of 2: 54 columns hold all three whole.
    expect(layoutColumns(specs, [25, 18, 7], 54, 2)).toEqual([25, 18, 7]);
    // One column short: Args goes rather than cutting the job name.
    expect(layoutColumns(specs, [25, 18, 7], 53, 2)).toEqual([25, 18, 0]);
    // Without the flag the same column stays and the others are cut.
    const plain = specs.map(({ extra: _extra, ...rest }) => rest);
    expect(layoutColumns(plain, [25, 18, 7], 53, 2)[2]).toBe(7);
  });

  it('fits every row of a table to the same columns, CJK and emoji included', () => {
    interface Row {
      name: string;
      count: number;
    }
    const specs: ColumnSpec<Row>[] = [
      { title: 'Queue', cell: (r) => r.name, cut: 'middle', min: 10 },
      { title: 'Queued', cell: (r) => String(r.count), align: 'right' },
      { title: 'Error', min: 20, cell: () => `line one\nline two \x1b]0;title\x07 ${'e'.repeat(5000)}`, rank: -1 },
    ];
    const rows = [
      { name: 'alpha', count: 1 },
      { name: '日本語のとても長いキューの名前-🚀-emails-and-more-tail', count: 12345 },
      { name: 'b', count: 7 },
    ];
    for (const width of [30, 60, 120]) {
      const table = fitTable(specs, rows, width, 2);
      const lines = [table.titles, ...table.cells].map((cells) => cells.join('  '));
      const widths = lines.map(textWidth);
      expect(new Set(widths).size, `width ${width}: ${lines.join('\n')}`).toBe(1);
      expect(widths[0]).toBeLessThanOrEqual(width);
      for (const line of lines) expect(line).not.toMatch(/[\x00-\x1f]/);
      expect(table.titles.map((t) => t.trim())).toEqual(table.columns.map((c) => c.title));
    }
    const narrow = fitTable(specs, rows, 30, 2);
    expect(narrow.columns.map((c) => c.title)).toEqual(['Queue', 'Queued']);
    expect(narrow.cells[1]![0]).toMatch(/^日本.*….*tail$/);
    const wide = fitTable(specs, rows, 120, 2);
    expect(wide.cells[0]![2]).toContain('line one\\nline two \\x1b]0;title\\x07');
  });
});
