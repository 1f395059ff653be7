// Where things go on a screen of a given size. Pure: sizes in, sizes out, so
// every terminal size can be checked without drawing.
import { textWidth } from '../../support/fit.js';
import { VIEWS, VIEW_TITLES, type View, type Viewport } from './types.js';

/** Header lines (title, view tabs) and footer lines (status, keys). */
export const HEADER_LINES = 2;
export const FOOTER_LINES = 2;

export interface Frame {
  /** Columns drawn: one short of the terminal, so the last column never makes it wrap. */
  width: number;
  /** Lines between the header and the footer. */
  bodyHeight: number;
}

export function frameOf({ columns, rows }: Viewport): Frame {
  // One line short of the terminal too: a frame as tall as the screen makes Ink clear it on every draw.
  return { width: Math.max(20, columns - 1), bodyHeight: Math.max(3, rows - 1 - HEADER_LINES - FOOTER_LINES) };
}

/** The view tabs: full titles when they fit (spaced, then tight), else numbers with only the current view named. */
export function tabLabels(width: number, current: View): string[] {
  const full = VIEWS.map((view, i) => ` ${i + 1} ${VIEW_TITLES[view]} `);
  if (textWidth(full.join('')) <= width) return full;
  const tight = VIEWS.map((view, i) => `${i === 0 ? ' ' : ''}${i + 1} ${VIEW_TITLES[view]} `);
  if (textWidth(tight.join('')) <= width) return tight;
  return VIEWS.map((view, i) => (view === current ? ` ${i + 1} ${VIEW_TITLES[view]} ` : ` ${i + 1} `));
}

/** Groups items of these widths into lines of at most `width` columns, `gap` apart: the indexes on each line. */
export function flow(widths: readonly number[], width: number, gap: number): number[][] {
  const lines: number[][] = [];
  let line: number[] = [];
  let used = 0;
  widths.forEach((w, index) => {
    if (line.length > 0 && used + gap + w > width) {
      lines.push(line);
      line = [];
      used = 0;
    }
    used += (line.length > 0 ? gap : 0) + w;
    line.push(index);
  });
  if (line.length > 0) lines.push(line);
  return lines;
}

export type SectionName = 'queues' | 'pools' | 'workers';

export interface SectionPlan {
  name: SectionName;
  /** Data rows drawn (below its title line and, when it has rows, its column titles). */
  rows: number;
  /** Which column of the screen it goes in (0 left, 1 right). */
  column: 0 | 1;
}

export interface OverviewPlan {
  columns: 1 | 2;
  /** Width of each screen column. */
  columnWidth: number;
  /** Blank lines between sections. */
  spacing: number;
  sections: SectionPlan[];
}

/** Wide enough to put queues on the left and pools and workers on the right. */
export const TWO_COLUMNS_FROM = 160;

function linesFor(rows: number, demand: number): number {
  // A section with nothing to list is one line ("Busy workers: none").
  return demand === 0 ? 1 : 2 + rows;
}

/**
 * How the overview's sections share the lines left below the summary: queues
 * first (they answer "what is waiting"), then pools, then busy workers. Each
 * section is a title, column titles and as many rows as its share; a section
 * that cannot have even one row is left out, least important first.
 */
export function overviewPlan(width: number, height: number, demand: Record<SectionName, number>): OverviewPlan {
  const two = width >= TWO_COLUMNS_FROM;
  const columnWidth = two ? Math.floor((width - 3) / 2) : width;
  const spacing = height >= 30 ? 1 : 0;
  const stacks: SectionName[][] = two ? [['queues'], ['pools', 'workers']] : [['queues', 'pools', 'workers']];
  const sections: SectionPlan[] = [];
  stacks.forEach((names, column) => {
    let kept = [...names];
    // Leave out sections, from the last, until every kept one gets its title and one row.
    while (kept.length > 1 && kept.reduce((sum, n) => sum + linesFor(1, demand[n]), 0) + spacing * (kept.length - 1) > height) kept = kept.slice(0, -1);
    const rows = Object.fromEntries(kept.map((n) => [n, 0])) as Record<SectionName, number>;
    const used = () => kept.reduce((sum, n) => sum + linesFor(rows[n], demand[n]), 0) + spacing * (kept.length - 1);
    // One row each first, then the rest one round at a time; queues take two a round.
    for (const name of kept) if (demand[name] > 0) rows[name] = 1;
    for (let progress = true; progress; ) {
      progress = false;
      for (const name of kept) {
        for (let turn = 0; turn < (name === 'queues' ? 2 : 1); turn++) {
          if (rows[name] >= demand[name]) break;
          rows[name] += 1;
          if (used() > height) {
            rows[name] -= 1;
            break;
          }
          progress = true;
        }
      }
    }
    for (const name of kept) sections.push({ name, rows: rows[name], column: column as 0 | 1 });
  });
  return { columns: two ? 2 : 1, columnWidth, spacing, sections };
}
