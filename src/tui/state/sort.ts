// The orders `s` cycles through on each list, the first being the list's
// usual order. Each names the column it sorts by, so the table can mark it,
// and goes "trouble first": longest, oldest, most, failing. Pure.

export interface SortKey<Row> {
  /** The column title it sorts by; undefined for the list's usual order. */
  column: string | undefined;
  /** How the status line says it, e.g. "longest running first". */
  label: string;
  /** Largest first (marked ↓) or smallest first (↑). */
  descending: boolean;
  compare(a: Row, b: Row): number;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Descending by a number, then by a tie-breaking text. */
export function most<Row>(column: string, label: string, value: (row: Row) => number, tie: (row: Row) => string): SortKey<Row> {
  return { column, label, descending: true, compare: (a, b) => value(b) - value(a) || byText(tie(a), tie(b)) };
}

/** Ascending by a text. */
export function alphabetical<Row>(column: string, value: (row: Row) => string): SortKey<Row> {
  return { column, label: `by ${column.toLowerCase()}`, descending: false, compare: (a, b) => byText(value(a), value(b)) };
}

export const asListed: SortKey<unknown> = { column: undefined, label: 'in the usual order', descending: false, compare: () => 0 };

/** The key `index` picks (wrapping), and the rows in its order; the usual order keeps them as they are. */
export function sortRows<Row>(rows: readonly Row[], keys: readonly SortKey<Row>[], index: number): Row[] {
  const key = keys[((index % keys.length) + keys.length) % keys.length];
  if (!key || key.column === undefined) return [...rows];
  // A stable sort: rows equal under the key keep the usual order between them.
  return [...rows].sort(key.compare);
}

export function sortKeyAt<Row>(keys: readonly SortKey<Row>[], index: number): SortKey<Row> | undefined {
  return keys[((index % keys.length) + keys.length) % keys.length];
}

/** The column title with the sort mark, when the list is sorted by it. */
export function markSorted(title: string, key: SortKey<unknown> | undefined): string {
  return key?.column === title ? `${title}${key.descending ? '↓' : '↑'}` : title;
}
