// The status line and the key hints, both from state and the keymap table.
// Everything in the status line may carry text from Redis, so it is made
// inert and kept to one line.
import { Box, Text } from 'ink';
import React from 'react';
import { oneLine } from '../../support/columns.js';
import { fit, textWidth } from '../../support/fit.js';
import { footerBindings } from '../keymap.js';
import { flow } from '../state/layout.js';
import { confirmMessage } from '../state/overlay.js';
import { modeOf } from '../state/reducer.js';
import type { TopState } from '../state/types.js';

interface FooterProps {
  state: TopState;
  width: number;
  color: boolean;
}

const HINT_GAP = 2;

const line = (text: string, width: number) => fit(oneLine(text, width), width);

export function Footer({ state, width, color }: FooterProps): React.ReactElement {
  let status: React.ReactElement;
  if (state.confirm) {
    status = (
      <Text bold inverse {...(color ? { color: 'yellow' } : {})}>
        {fit(confirmMessage(state.confirm.action, width), width)}
      </Text>
    );
  } else if (state.filtering) {
    status = <Text>{line(`/${state.filter}▏ (Enter keep, Esc clear)`, width)}</Text>;
  } else if (state.connection === 'disconnected' && state.lastError) {
    status = <Text {...(color ? { color: 'red' } : {})}>{line(`Redis: ${state.lastError}`, width)}</Text>;
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
