import { Box, Text } from 'ink';
import React from 'react';
import type { TopState } from '../state/types.js';
import { formatRate, overviewModel } from '../state/view-model.js';

export function Overview({ state, nowSeconds, color }: { state: TopState; nowSeconds: number; color: boolean }): React.ReactElement {
  if (!state.snapshot) return <Text dimColor>waiting for the first refresh…</Text>;
  const m = overviewModel(state.snapshot, state.history, nowSeconds);
  const tint = (name: string, when: boolean) => (color && when ? { color: name } : {});
  const row = (label: string, value: string, extra: object = {}) => (
    <Text>
      {label.padEnd(18)}
      <Text bold {...extra}>
        {value}
      </Text>
    </Text>
  );
  return (
    <Box flexDirection="column">
      {row('Processed', `${formatRate(m.processedPerSecond)}  (${m.processedTotal} total)`)}
      {row('Failed', `${formatRate(m.failedPerSecond)}  (${m.failedTotal} total)`, tint('red', m.failedPerSecond > 0))}
      <Text dimColor>{`${''.padEnd(18)}${m.sparkline}`}</Text>
      {row('Queued', String(m.queued))}
      {row('Retry', String(m.retry), tint('yellow', m.retry > 0))}
      {row('Scheduled', String(m.scheduled))}
      {row('Dead', String(m.dead), tint('red', m.dead > 0))}
      {row('Pools', `${m.livePools} live${m.stalePools > 0 ? `, ${m.stalePools} stale or dead` : ''}`, tint('red', m.stalePools > 0))}
      {row('Workers', `${m.busyWorkers} busy of ${m.totalWorkers}`)}
      {m.server
        ? row('Redis', `${m.server.version}, ${m.server.usedMemory} used, ${m.server.connectedClients} clients`)
        : null}
    </Box>
  );
}
