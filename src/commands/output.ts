// Rendering results: tables for people, JSON for pipes. stdout carries only
// the result; progress and notices go to stderr so `--json` output can be piped.
import type { Writable } from 'node:stream';
import Table from 'cli-table3';
import { fitTable, type ColumnSpec } from '../support/columns.js';
import { inert } from '../support/inert.js';

export type { ColumnSpec };

type Stream = Writable & { isTTY?: boolean; columns?: number };

export function colorEnabled(stream: Writable): boolean {
  return !process.env.NO_COLOR && Boolean((stream as Stream).isTTY);
}

/** The width tables must fit: the terminal's, or 80 columns when not a terminal or unknown. */
export function terminalWidth(stream: Writable): number {
  const { isTTY, columns } = stream as Stream;
  return isTTY && columns && columns > 0 ? columns : 80;
}

const GREY = (s: string) => `\x1b[90m${s}\x1b[39m`;
const CYAN = (s: string) => `\x1b[36m${s}\x1b[39m`;
// No rule between rows (a page of 20 jobs stays 24 lines); the rule under
// the titles is added after drawing.
const FRAME = {
  top: '─', 'top-mid': '┬', 'top-left': '┌', 'top-right': '┐',
  bottom: '─', 'bottom-mid': '┴', 'bottom-left': '└', 'bottom-right': '┘',
  left: '│', 'left-mid': '', mid: '', 'mid-mid': '', right: '│', 'right-mid': '', middle: '│',
} as const;
const paint = (chars: typeof FRAME, how: (s: string) => string) =>
  Object.fromEntries(Object.entries(chars).map(([part, char]) => [part, char === '' ? '' : how(char)]));

export interface TableOptions {
  /** Total width the table may take, borders included (default 80). */
  width?: number;
  color?: boolean;
}

/**
 * A boxed table that fits `width`: every cell is made inert and kept to one
 * line; long values are cut (names in the middle), and when the titles alone
 * do not fit, the lowest-ranked columns are left out (`--json` has them all).
 * The layout is worked out here (support/columns.ts); cli-table3 draws it.
 */
export function renderColumns<Row>(specs: readonly ColumnSpec<Row>[], rows: readonly Row[], { width = 80, color = false }: TableOptions = {}): string {
  // "│ " before the first cell, " │ " between cells, " │" after the last.
  const table = fitTable(specs, rows, Math.max(1, width - 4), 3);
  const drawn = new Table({
    head: color ? table.titles.map(CYAN) : table.titles,
    // Each cell is already exactly its column's width; one space of padding each side.
    colWidths: table.widths.map((w) => w + 2),
    wordWrap: false,
    // Colour is applied here, when the caller asked for it: cli-table3's own
    // styling asks the colour library, which decides by stdout, not by `color`.
    chars: color ? paint(FRAME, GREY) : FRAME,
    style: { head: [], border: [], 'padding-left': 1, 'padding-right': 1 },
  });
  for (const cells of table.cells) drawn.push(cells);
  const lines = drawn.toString().split('\n');
  const rule = `├${table.widths.map((w) => '─'.repeat(w + 2)).join('┼')}┤`;
  lines.splice(2, 0, color ? GREY(rule) : rule);
  return lines.join('\n');
}

/** Writes a table sized to the stream's terminal (80 columns when it is not one). */
export function writeTable<Row>(stream: Writable, specs: readonly ColumnSpec<Row>[], rows: readonly Row[]): void {
  stream.write(`${renderColumns(specs, rows, { width: terminalWidth(stream), color: colorEnabled(stream) })}\n`);
}

/** A table of plain columns (every value cut at its end; the rightmost columns go first). */
export function renderTable(head: string[], rows: Array<Array<string | number>>, color = false, width = 80): string {
  const specs: ColumnSpec<Array<string | number>>[] = head.map((title, i) => ({ title, cell: (row) => String(row[i] ?? ''), rank: head.length - i }));
  return renderColumns(specs, rows, { width, color });
}

/** A line of text for stderr or stdout that carries a value from Redis: made inert. */
export function notice(text: string): string {
  return `${inert(text)}\n`;
}

export interface LineWriter {
  /** Writes text, waiting while the stream's buffer is full, so a fast producer never piles output up in memory. */
  write(text: string): Promise<void>;
  /** The reader went away (EPIPE: `| head`); later writes are dropped. */
  readonly closed: boolean;
}

/** A writer for streamed output (a million NDJSON lines) that keeps memory flat. */
export function lineWriter(stream: Writable): LineWriter {
  let closed = false;
  stream.once('error', () => {
    closed = true;
  });
  return {
    get closed() {
      return closed;
    },
    async write(text) {
      if (closed || text === '') return;
      if (stream.write(text)) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          stream.off('drain', done);
          stream.off('error', done);
          stream.off('close', done);
          resolve();
        };
        stream.on('drain', done).on('error', done).on('close', done);
      });
    },
  };
}

export function writeJson(stream: Writable, value: unknown): void {
  stream.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function formatTime(epochSeconds: number | undefined): string {
  if (!epochSeconds) return '-';
  return new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z');
}

/** A one-line progress bar redrawn in place on a terminal; silent elsewhere. */
export function progressReporter(stream: Writable, label: string): { update(done: number, total: number): void; end(): void } {
  const tty = Boolean((stream as Writable & { isTTY?: boolean }).isTTY);
  let last = 0;
  return {
    update(done, total) {
      if (!tty) return;
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const width = 30;
      const ratio = total > 0 ? Math.min(1, done / total) : 1;
      const filled = Math.round(ratio * width);
      stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
    },
    end() {
      if (tty) stream.write('\n');
    },
  };
}
