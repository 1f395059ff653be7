// The console's composition root: state, data, input and the view on screen.
import { Box, useApp, useStdout } from 'ink';
import React, { useEffect } from 'react';
import type { Client } from '../engine/client/client.js';
import { Footer } from './components/footer.js';
import { Header } from './components/header.js';
import { JobSetView } from './components/job-set-view.js';
import { PoolsView, QueuesView, WorkersView } from './components/list-views.js';
import { Overview } from './components/overview.js';
import { ScrollText } from './components/scroll-text.js';
import { useCluster } from './hooks/use-cluster.js';
import { useSyncReducer } from './hooks/use-sync-reducer.js';
import { useTopInput } from './hooks/use-top-input.js';
import { frameOf } from './state/layout.js';
import { overlayLines, overlayRoom } from './state/overlay.js';
import { initialState, reducer, type TopAction } from './state/reducer.js';
import { isSetView, type View, type Viewport } from './state/types.js';

export interface AppProps {
  client: Client;
  namespace: string;
  intervalMs: number;
  color: boolean;
  /** Keys that change Redis are refused, and say so. */
  readOnly?: boolean;
  initialView?: View;
  now?: () => number;
  onQuit?: () => void;
}

/** Tells the reducer the terminal's size now and after every resize. */
function useViewport(dispatch: (action: TopAction) => void): void {
  const { stdout } = useStdout();
  const read = (): Viewport => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  useEffect(() => {
    const onResize = () => dispatch({ type: 'viewport', viewport: read() });
    onResize();
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, dispatch]);
}

export function App({ client, namespace, intervalMs, color, readOnly = false, initialView, now = Date.now, onQuit }: AppProps): React.ReactElement {
  const { stdout } = useStdout();
  const [state, dispatch, getState] = useSyncReducer(reducer, () =>
    initialState({ ...(initialView ? { view: initialView } : {}), readOnly, viewport: { columns: stdout.columns || 80, rows: stdout.rows || 24 } }),
  );
  useViewport(dispatch);
  const { exit } = useApp();
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
  const { width, bodyHeight } = frameOf(state.viewport);
  const viewProps = { state, nowSeconds, width, height: bodyHeight, color };
  const overlay = overlayLines(state);
  let body: React.ReactElement;
  if (overlay) body = <ScrollText lines={overlay} scroll={state.scroll} room={overlayRoom(state, overlay.length)} width={width} />;
  else if (state.view === 'overview') body = <Overview {...viewProps} />;
  else if (state.view === 'queues') body = <QueuesView {...viewProps} />;
  else if (state.view === 'pools') body = <PoolsView {...viewProps} />;
  else if (state.view === 'workers') body = <WorkersView {...viewProps} />;
  else body = <JobSetView {...viewProps} set={state.view} />;

  return (
    <Box flexDirection="column" width={width} height={state.viewport.rows - 1}>
      <Header state={state} namespace={namespace} width={width} color={color} />
      <Box flexDirection="column" height={bodyHeight} overflow="hidden">
        {/* Never squeezed: a body taller than its room is cut at the bottom, not thinned out. */}
        <Box flexDirection="column" flexShrink={0}>
          {body}
        </Box>
      </Box>
      <Footer state={state} width={width} color={color} />
    </Box>
  );
}
