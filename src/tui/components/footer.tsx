// The status line and the key hints, both from state and the keymap table.
// Everything in the status line may carry text from Redis, so it is made
// inert and kept to one line.
import { Box, Text } from 'ink';
import React from 'react';
import { oneLine } from '../../support/columns.js';
import { fit, textWidth } from '../../support/fit.js';
import { footerBindings } from '../keymap.js';
import { confirmMessage } from '../state/confirm.js';
import { flow } from '../state/layout.js';
import { modeOf } from '../state/reducer.js';
import type { TopState } from '../state/types.js';

interface FooterProps {
  state: TopState;
  width: number;
  color: boolean;
}

const HINT_GAP = 2;

const line = (text: string, width: number) => fit(oneLine(text, width), width);

/** The prompt being typed, its end kept in view when it is longer than the line. */
function promptLine(prefix: string, text: string, help: string, width: number): string {
  const full = `${prefix}${oneLine(text, 4 * width)}▏ ${help}`;
  if (textWidth(full) <= width) return full;
  const tail = `${oneLine(text, width)}▏`;
  return `${prefix}…${tail.slice(Math.max(0, tail.length - (width - prefix.length - 2)))}`;
}

export function Footer({ state, width, color }: FooterProps): React.ReactElement {
  let status: React.ReactElement;
  const n = (x: number) => x.toLocaleString('en-US');
  if (state.confirm) {
    status = (
      <Text bold inverse {...(color ? { color: 'yellow' } : {})}>
        {fit(oneLine(confirmMessage(state.confirm.action, width, state.confirm.typed), width), width)}
      </Text>
    );
  } else if (state.prompt) {
    const [prefix, help] = state.prompt.kind === 'search' ? ['/', '(Enter search, Esc cancel)'] : [':', '(Enter run, Esc cancel)'];
    status = <Text>{fit(promptLine(prefix, state.prompt.text, help, width), width)}</Text>;
  } else if (state.filtering) {
    status = <Text>{line(`/${state.filter}▏ (Enter keep, Esc clear)`, width)}</Text>;
  } else if (state.connection === 'disconnected' && state.lastError) {
    status = <Text {...(color ? { color: 'red' } : {})}>{line(`Redis: ${state.lastError}`, width)}</Text>;
  } else if (state.task) {
    const { label, done, total } = state.task;
    status = <Text {...(color ? { color: 'yellow' } : {})}>{line(`${label}: ${n(done)} of ${n(total)} looked at · Esc stops`, width)}</Text>;
  } else if (state.status) {
    status = <Text {...(color && state.status.error ? { color: 'red' } : {})}>{line(state.status.text, width)}</Text>;
  } else {
    status = <Text dimColor>{line(state.filter ? `filter: ${state.filter}` : '', width)}</Text>;
  }
  // As many whole hints as fit; `?` help (second) lists the rest.
  const items = footerBindings(state.view, modeOf(state), state.readOnly).map((b) => `${b.keys} ${b.label}`);
  if (state.readOnly && modeOf(state) === 'list') items.unshift('read-only');
  const firstLine = flow(items.map(textWidth), width, HINT_GAP)[0] ?? [];
  const hints = firstLine.map((i) => items[i]!).join(' '.repeat(HINT_GAP));
  return (
    <Box flexDirection="column">
      {status}
      <Text dimColor>{fit(hints, width)}</Text>
    </Box>
  );
}
