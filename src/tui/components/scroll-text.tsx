// `?`: every key, rendered from the keymap table.
import { Box, Text } from 'ink';
import React from 'react';
import { appliesTo, KEYMAP } from '../keymap.js';
import { VIEW_TITLES, type View } from '../state/types.js';

export function Help({ view }: { view: View }): React.ReactElement {
  return (
    <Box flexDirection="column">
      <Text bold>Keys ({VIEW_TITLES[view]} view)</Text>
      {KEYMAP.map((b) => (
        <Text key={b.command} dimColor={!appliesTo(b, view)} wrap="truncate">
          {`${b.keys.padEnd(12)}${b.description}${appliesTo(b, view) ? '' : ` (in ${b.views?.join(', ')})`}`}
        </Text>
      ))}
      <Text dimColor>Shift (uppercase) keys act on many jobs; every destructive key asks first. Esc closes.</Text>
    </Box>
  );
}
