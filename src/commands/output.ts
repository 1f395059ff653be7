// Rendering results: tables for people, JSON for pipes. stdout carries only
// the result; progress and notices go to stderr so `--json` output can be piped.
import Table from 'cli-table3';
import type { Writable } from 'node:stream';

export function colorEnabled(stream: Writable): boolean {
  return !process.env.NO_COLOR && Boolean((stream as Writable & { isTTY?: boolean }).isTTY);
}

export function renderTable(head: string[], rows: Array<Array<string | number>>, color = false): string {
  const table = new Table({
    head,
    style: color ? { head: ['cyan'], border: ['grey'] } : { head: [], border: [] },
  });
  for (const row of rows) table.push(row.map((cell) => String(cell)));
  return table.toString();
}

export function writeJson(stream: Writable, value: unknown): void {
  stream.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function formatTime(epochSeconds: number | undefined): string {
  if (!epochSeconds) return '-';
  return new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z');
}

export function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
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
