// Tables that fit the width they are given, shared by the console and the CLI.
// Every cell is made inert, kept to one line and measured in terminal columns.
// A header is never cut while the table has room: the columns that may shrink
// (names, errors, args) are cut first, and when the rest still does not fit,
// the least important columns go.
// Pure.
import { clipForWidth, fit, textWidth, type Align, type Cut } from './fit.js';
import { inert } from './inert.js';

export interface ColumnSpec<Row> {
  title: string;
  /** The raw value; it is made inert and fitted here. */
  cell(row: Row): string;
  align?: Align;
  /** Where a long value is cut: `middle` for names and IDs, `end` for prose. */
  cut?: Cut;
  /**
   * Columns it may shrink to, cutting its values, before the table drops
   * columns (never below its title). Default: it does not shrink; it is shown
   * whole or left out (IDs, times, counts).
   */
  min?: number;
  /** Columns it never grows past. Default: as wide as its widest value. */
  max?: number;
  /** When the table is too wide, the lowest rank goes first (the rightmost among equals). Default 0. */
  rank?: number;
  /** Shown only when every other column is whole (a sparkline, args, uptime): never at their expense. */
  extra?: boolean;
}

export interface FittedTable<Row> {
  /** The specs shown, in order (the others were dropped). */
  columns: ColumnSpec<Row>[];
  widths: number[];
  /** Titles, each exactly its column's width. */
  titles: string[];
  /** Per row, its cells, each exactly its column's width. */
  cells: string[][];
}

/**
 * Widths per column (0 = dropped) so that the columns and the gaps between
 * them take at most `width`. `content` is the widest value of each column.
 */
export function layoutColumns(specs: readonly Pick<ColumnSpec<unknown>, 'title' | 'min' | 'max' | 'rank' | 'extra'>[], content: readonly number[], width: number, gap: number): number[] {
  const natural = specs.map((s, i) => Math.max(textWidth(s.title), Math.min(content[i] ?? 0, s.max ?? Infinity)));
  let shown = specs.map(() => true);
  for (;;) {
    const widths = fitWidths(specs.map((s, i) => (shown[i] ? s : undefined)), natural, width, gap);
    const cut = specs.some((s, i) => !s.extra && widths[i]! < natural[i]!);
    const extras = specs.map((s, i) => i).filter((i) => specs[i]!.extra && shown[i] && widths[i]! > 0);
    if (!cut || extras.length === 0) return widths;
    // Another column is cut: the lowest-ranked extra makes room.
    const drop = extras.reduce((a, b) => ((specs[b]!.rank ?? 0) <= (specs[a]!.rank ?? 0) ? b : a));
    shown = shown.map((on, i) => on && i !== drop);
  }
}

/** The layout of the columns given (undefined = left out), see layoutColumns. */
function fitWidths(specs: ReadonlyArray<Pick<ColumnSpec<unknown>, 'title' | 'min' | 'rank'> | undefined>, natural: readonly number[], width: number, gap: number): number[] {
  const title = specs.map((s) => (s ? textWidth(s.title) : 0));
  const minimum = specs.map((s, i) => Math.max(title[i]!, Math.min(s?.min ?? natural[i]!, natural[i]!)));
  const need = (ids: number[]) => ids.reduce((sum, i) => sum + minimum[i]!, 0) + gap * Math.max(0, ids.length - 1);

  let kept = specs.map((_, i) => i).filter((i) => specs[i] !== undefined);
  while (kept.length > 1 && need(kept) > width) {
    let drop = kept[kept.length - 1]!;
    for (let k = kept.length - 2; k >= 0; k--) {
      const i = kept[k]!;
      if ((specs[i]!.rank ?? 0) < (specs[drop]!.rank ?? 0)) drop = i;
    }
    kept = kept.filter((i) => i !== drop);
  }

  const widths = specs.map(() => 0);
  if (kept.length === 0) return widths;
  if (kept.length === 1) {
    const only = kept[0]!;
    widths[only] = Math.max(0, Math.min(natural[only]!, width));
    return widths;
  }
  for (const i of kept) widths[i] = minimum[i]!;
  // The room left goes to the columns short of their natural width, fairly:
  // the least short first, each up to an equal share of what is left, so a
  // short value ("0.0/s") is whole before a long name takes the rest.
  let spare = width - need(kept);
  const lacking = kept.filter((i) => natural[i]! > widths[i]!).sort((a, b) => natural[a]! - widths[a]! - (natural[b]! - widths[b]!));
  lacking.forEach((i, k) => {
    const give = Math.min(natural[i]! - widths[i]!, Math.floor(spare / (lacking.length - k)));
    widths[i] = widths[i]! + give;
    spare -= give;
  });
  return widths;
}

/** Cells made inert and fitted: the table laid out in `width` columns with `gap` between columns. */
export function fitTable<Row>(specs: readonly ColumnSpec<Row>[], rows: readonly Row[], width: number, gap: number): FittedTable<Row> {
  const texts = rows.map((row) => specs.map((spec) => oneLine(spec.cell(row), width, spec.cut)));
  const content = specs.map((_, c) => texts.reduce((widest, cells) => Math.max(widest, textWidth(cells[c]!)), 0));
  const all = layoutColumns(specs, content, width, gap);
  const shown = specs.map((_, i) => i).filter((i) => all[i]! > 0);
  const widths = shown.map((i) => all[i]!);
  return {
    columns: shown.map((i) => specs[i]!),
    widths,
    titles: shown.map((i, k) => fit(specs[i]!.title, widths[k]!, specs[i]!.align)),
    cells: texts.map((cells) => shown.map((i, k) => fit(cells[i]!, widths[k]!, specs[i]!.align, specs[i]!.cut))),
  };
}

/** A raw value as one inert line, no longer than `width` needs (newlines show as `\n`). */
export function oneLine(raw: string, width: number, cut: Cut = 'end'): string {
  return inert(clipForWidth(raw, width, cut));
}
