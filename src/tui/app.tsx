// The console's composition root: state, data, input and the view on screen.
import { Box, useApp, useStdout } from 'ink';
import React, { useEffect, useState } from 'react';
import type { Client } from '../engine/client.js';
import { Footer } from './components/footer.js';
import { Header } from './components/header.js';
import { Help } from './components/help.js';
import { JobDetail, JobSetView } from './components/job-set-view.js';
import { PoolsView, QueuesView, WorkersView } from './components/list-views.js';
import { Overview } from './components/overview.js';
import { useCluster } from './hooks/use-cluster.js';
import { useSyncReducer } from './hooks/use-sync-reducer.js';
import { useTopInput } from './hooks/use-top-input.js';
import { initialState, reducer } from './state/reducer.js';
import { isSetView, type View } from './state/types.js';

export interface AppProps {
  client: Client;
  namespace: string;
  intervalMs: number;
  color: boolean;
  initialView?: View;
  now?: () => number;
  onQuit?: () => void;
}

function useTerminalSize(): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}

export function App({ client, namespace, intervalMs, color, initialView, now = Date.now, onQuit }: AppProps): React.ReactElement {
  const [state, dispatch, getState] = useSyncReducer(reducer, () => initialState(initialView));
  const { exit } = useApp();
  const { columns, rows } = useTerminalSize();
  const refresh = useCluster(
    client,
    { ...(isSetView(state.view) ? { set: state.view } : {}), page: isSetView(state.view) ? state.pages[state.view] : 1 },
    intervalMs,
    dispatch,
    now,
  );
  useTopInput({
    client,
    getState,
    dispatch,
    refresh,
    now,
    quit: () => {
      onQuit?.();
      exit();
    },
  });

  const nowSeconds = Math.floor(now() / 1000);
  const width = Math.max(40, columns - 1);
  // Header (2 lines) and footer (2 lines) frame the body.
  const bodyHeight = Math.max(3, rows - 5);
  const viewProps = { state, nowSeconds, width, height: bodyHeight, color };
  let body: React.ReactElement;
  if (state.help) body = <Help view={state.view} />;
  else if (state.detail && isSetView(state.view)) body = <JobDetail job={state.detail} set={state.view} nowSeconds={nowSeconds} />;
  else if (state.view === 'overview') body = <Overview state={state} nowSeconds={nowSeconds} color={color} />;
  else if (state.view === 'queues') body = <QueuesView {...viewProps} />;
  else if (state.view === 'pools') body = <PoolsView {...viewProps} />;
  else if (state.view === 'workers') body = <WorkersView {...viewProps} />;
  else body = <JobSetView {...viewProps} set={state.view} />;

  return (
    <Box flexDirection="column" width={width} height={rows - 1}>
      <Header state={state} namespace={namespace} color={color} />
      <Box flexDirection="column" flexGrow={1} marginTop={0}>
        {body}
      </Box>
      <Footer state={state} color={color} />
    </Box>
  );
}
