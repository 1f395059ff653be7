// The status line and the key hints, both from state and the keymap table.
import { Box, Text } from 'ink';
import React from 'react';
import { footerBindings } from '../keymap.js';
import type { TopState } from '../state/types.js';

interface FooterProps {
  state: TopState;
  color: boolean;
}

export function Footer({ state, color }: FooterProps): React.ReactElement {
  let line: React.ReactElement;
  if (state.confirm) {
    line = (
      <Text bold {...(color ? { color: 'yellow' } : {})}>
        {state.confirm.message}
      </Text>
    );
  } else if (state.filtering) {
    line = <Text>{`/${state.filter}▏ (Enter keep, Esc clear)`}</Text>;
  } else if (state.connection === 'disconnected' && state.lastError) {
    line = <Text {...(color ? { color: 'red' } : {})}>{`Redis: ${state.lastError}`}</Text>;
  } else if (state.status) {
    line = <Text {...(color && state.status.error ? { color: 'red' } : {})}>{state.status.text}</Text>;
  } else {
    line = <Text dimColor>{state.filter ? `filter: ${state.filter}` : ' '}</Text>;
  }
  const hints = footerBindings(state.view)
    .map((b) => `${b.keys} ${b.label}`)
    .join('  ');
  return (
    <Box flexDirection="column">
      {line}
      <Text dimColor wrap="truncate">
        {hints}
      </Text>
    </Box>
  );
}
