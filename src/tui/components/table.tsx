// A fixed-layout table: each row is one line of padded cells, so a frame is
// cheap to diff and fits any width. Presentational only.
import { Box, Text } from 'ink';
import React from 'react';
import { visibleWindow } from '../state/view-model.js';

export interface Column<Row> {
  title: string;
  /** Fixed width, or a share of the width left over by fixed columns. */
  width: number | { flex: number };
  align?: 'left' | 'right';
  cell(row: Row): string;
  color?(row: Row): string | undefined;
}

export function fitColumns<Row>(columns: readonly Column<Row>[], totalWidth: number): number[] {
  const gaps = columns.length - 1;
  const fixed = columns.reduce((sum, c) => sum + (typeof c.width === 'number' ? c.width : 0), 0);
  const flexTotal = columns.reduce((sum, c) => sum + (typeof c.width === 'number' ? 0 : c.width.flex), 0);
  const left = Math.max(0, totalWidth - fixed - gaps);
  return columns.map((c) => (typeof c.width === 'number' ? c.width : Math.max(4, Math.floor((left * c.width.flex) / Math.max(1, flexTotal)))));
}

export function pad(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const clean = text.replace(/[\r\n\t]/g, ' ');
  const cut = clean.length > width ? `${clean.slice(0, Math.max(0, width - 1))}…` : clean;
  return align === 'right' ? cut.padStart(width) : cut.padEnd(width);
}

interface TableProps<Row> {
  columns: readonly Column<Row>[];
  rows: readonly Row[];
  selected: number;
  width: number;
  height: number;
  color: boolean;
  empty: string;
}

export function Table<Row>({ columns, rows, selected, width, height, color, empty }: TableProps<Row>): React.ReactElement {
  const widths = fitColumns(columns, width);
  const header = columns.map((c, i) => pad(c.title, widths[i]!, c.align)).join(' ');
  // One line for the header, and one for "x-y of n" when the rows do not all fit.
  const fits = rows.length <= height - 1;
  const { start, end } = visibleWindow(rows.length, selected, fits ? height - 1 : height - 2);
  return (
    <Box flexDirection="column">
      <Text bold {...(color ? { color: 'cyan' } : {})}>
        {header}
      </Text>
      {rows.length === 0 ? <Text dimColor>{empty}</Text> : null}
      {rows.slice(start, end).map((row, offset) => {
        const index = start + offset;
        const isSelected = index === selected;
        return (
          <Text key={index} inverse={isSelected} wrap="truncate">
            {columns.map((c, i) => {
              const text = pad(c.cell(row), widths[i]!, c.align);
              const tint = color && !isSelected ? c.color?.(row) : undefined;
              return (
                <Text key={i} {...(tint ? { color: tint } : {})}>
                  {i === 0 ? text : ` ${text}`}
                </Text>
              );
            })}
          </Text>
        );
      })}
      {rows.length > end - start ? <Text dimColor>{`${start + 1}-${end} of ${rows.length}`}</Text> : null}
    </Box>
  );
}
