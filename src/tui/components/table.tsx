// A table whose every line is exactly the width it is given: cells are made
// inert, cut to fit (names in the middle) and measured in terminal columns,
// so CJK and emoji keep the columns aligned. The selected row is marked with
// `>` and drawn in reverse video, so it shows with or without colour.
// Presentational only.
import { Box, Text } from 'ink';
import React from 'react';
import { fitTable, type ColumnSpec } from '../../support/columns.js';
import { fit } from '../../support/fit.js';
import { visibleWindow } from '../state/view-model.js';

export interface Column<Row> extends ColumnSpec<Row> {
  color?(row: Row): string | undefined;
}

export const GAP = 2;
const MARK = '> ';
const NO_MARK = '  ';

interface TableProps<Row> {
  columns: readonly Column<Row>[];
  rows: readonly Row[];
  /** The selected row, or undefined for a table nothing is chosen in. */
  selected?: number;
  width: number;
  /** Lines it may take, column titles included. */
  height: number;
  color: boolean;
  empty: string;
}

export function Table<Row>({ columns, rows, selected, width, height, color, empty }: TableProps<Row>): React.ReactElement {
  const selectable = selected !== undefined;
  const indent = selectable ? MARK.length : 0;
  // One line for the titles, and one for "x-y of n" when the rows do not all fit.
  const fits = rows.length <= height - 1;
  const { start, end } = visibleWindow(rows.length, selected ?? 0, fits ? height - 1 : height - 2);
  const shown = rows.slice(start, end);
  const table = fitTable(columns, shown, width - indent, GAP);
  const gap = ' '.repeat(GAP);
  const shownColumns = table.columns as Column<Row>[];
  // Rows are padded to the full width, so the reverse video of the selection spans it.
  const used = indent + table.widths.reduce((sum, w) => sum + w, 0) + GAP * Math.max(0, table.widths.length - 1);
  return (
    <Box flexDirection="column">
      <Text bold {...(color ? { color: 'cyan' } : {})}>
        {fit(NO_MARK.slice(0, indent) + table.titles.join(gap), width)}
      </Text>
      {rows.length === 0 ? <Text dimColor>{fit(empty, width)}</Text> : null}
      {shown.map((row, offset) => {
        const index = start + offset;
        const isSelected = index === selected;
        return (
          <Text key={index} inverse={isSelected} bold={isSelected}>
            {selectable ? (isSelected ? MARK : NO_MARK) : ''}
            {table.cells[offset]!.map((text, i) => {
              const tint = color && !isSelected ? shownColumns[i]!.color?.(row) : undefined;
              return (
                <Text key={i} {...(tint ? { color: tint } : {})}>
                  {i === 0 ? text : gap + text}
                </Text>
              );
            })}
            {' '.repeat(Math.max(0, width - used))}
          </Text>
        );
      })}
      {rows.length > end - start ? <Text dimColor>{`${start + 1}-${end} of ${rows.length}`}</Text> : null}
    </Box>
  );
}
