// Long text in the body: the `?` help or an open job, one screen of it at a
// time, scrolled with ↑↓ and PgUp/PgDn when it is longer than the screen.
import { Box, Text } from 'ink';
import React from 'react';
import { fit } from '../../support/fit.js';
import type { OverlayLine } from '../state/overlay.js';

interface Props {
  lines: readonly OverlayLine[];
  /** First line shown (kept in range by the reducer). */
  scroll: number;
  /** Lines of text that fit; one more is used for the position when the text is longer. */
  room: number;
  width: number;
}

export function ScrollText({ lines, scroll, room, width }: Props): React.ReactElement {
  const start = Math.max(0, Math.min(scroll, lines.length - room));
  const shown = lines.slice(start, start + room);
  return (
    <Box flexDirection="column">
      {shown.map((line, i) => (
        <Text key={start + i} dimColor={line.dim === true} wrap="truncate">
          <Text bold>{line.label}</Text>
          {line.text}
        </Text>
      ))}
      {lines.length > room ? (
        <Text dimColor>{fit(`lines ${start + 1}-${start + shown.length} of ${lines.length} · ↑↓ scroll · PgUp/PgDn a screen`, width)}</Text>
      ) : null}
    </Box>
  );
}
