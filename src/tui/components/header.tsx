import { Box, Text } from 'ink';
import React from 'react';
import { VIEWS, VIEW_TITLES, type TopState } from '../state/types.js';

interface HeaderProps {
  state: TopState;
  namespace: string;
  color: boolean;
}

export function Header({ state, namespace, color }: HeaderProps): React.ReactElement {
  const connection =
    state.connection === 'connected'
      ? { text: 'live', tint: 'green' }
      : state.connection === 'connecting'
        ? { text: 'connecting…', tint: 'yellow' }
        : { text: 'disconnected, retrying', tint: 'red' };
  return (
    <Box flexDirection="column">
      <Box justifyContent="space-between">
        <Text bold>work top · {namespace}</Text>
        <Text {...(color ? { color: connection.tint } : {})}>{connection.text}</Text>
      </Box>
      <Text wrap="truncate">
        {VIEWS.map((view, i) => {
          const active = view === state.view;
          return (
            <Text key={view} inverse={active} bold={active}>
              {` ${i + 1} ${VIEW_TITLES[view]} `}
            </Text>
          );
        })}
      </Text>
    </Box>
  );
}
