import { Box, Text } from 'ink';
import React from 'react';
import { oneLine } from '../../support/columns.js';
import { textWidth, truncate } from '../../support/fit.js';
import { tabLabels } from '../state/layout.js';
import { VIEWS, type TopState } from '../state/types.js';

interface HeaderProps {
  state: TopState;
  namespace: string;
  width: number;
  color: boolean;
}

export function Header({ state, namespace, width, color }: HeaderProps): React.ReactElement {
  const connection =
    state.connection === 'connected'
      ? { text: 'live', tint: 'green' }
      : state.connection === 'connecting'
        ? { text: 'connecting…', tint: 'yellow' }
        : { text: 'disconnected, retrying', tint: 'red' };
  const right = state.readOnly ? `read-only · ${connection.text}` : connection.text;
  const title = truncate(`work top · ${oneLine(namespace, width)}`, Math.max(1, width - textWidth(right) - 1), 'middle');
  const labels = tabLabels(width, state.view);
  const used = textWidth(labels.join(''));
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold>{title}</Text>
        {' '.repeat(Math.max(1, width - textWidth(title) - textWidth(right)))}
        <Text {...(color ? { color: connection.tint } : {})}>{right}</Text>
      </Text>
      <Text wrap="truncate">
        {VIEWS.map((view, i) => {
          const active = view === state.view;
          return (
            <Text key={view} inverse={active} bold={active}>
              {labels[i]}
            </Text>
          );
        })}
        {' '.repeat(Math.max(0, width - used))}
      </Text>
    </Box>
  );
}
