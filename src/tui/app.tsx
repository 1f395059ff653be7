// The console's composition root: state, data, input and the view on screen.
import { Box, useApp, useStdout } from 'ink';
import React, { useEffect, useRef, useState } from 'react';
import type { Client } from '../engine/client/client.js';
import { Footer } from './components/footer.js';
import { Header } from './components/header.js';
import { JobSetView } from './components/job-set-view.js';
import { PoolsView, QueuesView, WorkersView } from './components/list-views.js';
import { Overview } from './components/overview.js';
import { ScrollText } from './components/scroll-text.js';
import { StatsView } from './components/stats-view.js';
import { useCluster } from './hooks/use-cluster.js';
import { useSearch } from './hooks/use-search.js';
import { useSyncReducer } from './hooks/use-sync-reducer.js';
import { TaskRunner } from './hooks/task-runner.js';
import { useTopInput } from './hooks/use-top-input.js';
import { frameOf } from './state/layout.js';
import { overlayLines, overlayRoom } from './state/overlay.js';
import { initialState, reducer, type TopAction } from './state/reducer.js';
import { isSetView, type View, type Viewport } from './state/types.js';

/** A Redis and namespace the console can switch to (`:context NAME`). */
export interface ConsoleTarget {
  client: Client;
  namespace: string;
  /** Closes the target's connection when the console moves on from it. */
  close?: () => void;
}

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
  /** Connects to a named context of the config file; without it `:context` says it is not available. */
  openContext?: (name: string) => Promise<ConsoleTarget>;
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

export function App({ client: firstClient, namespace: firstNamespace, intervalMs, color, readOnly = false, initialView, now = Date.now, onQuit, openContext }: AppProps): React.ReactElement {
  const { stdout } = useStdout();
  const [target, setTarget] = useState<ConsoleTarget>({ client: firstClient, namespace: firstNamespace });
  const [state, dispatch, getState] = useSyncReducer(reducer, () =>
    initialState({ ...(initialView ? { view: initialView } : {}), readOnly, viewport: { columns: stdout.columns || 80, rows: stdout.rows || 24 } }),
  );
  useViewport(dispatch);
  const { exit } = useApp();
  const tasks = useRef<TaskRunner | undefined>(undefined);
  tasks.current ??= new TaskRunner(dispatch, now);
  // A bulk action still running when the console closes stops after its batch.
  useEffect(() => () => void tasks.current?.cancel(), []);
  const { client } = target;
  const refresh = useCluster(
    client,
    {
      ...(isSetView(state.view) ? { set: state.view } : {}),
      page: isSetView(state.view) ? state.pages[state.view] : 1,
      ...(state.view === 'queues' && state.queueJobs ? { queue: { jobName: state.queueJobs.jobName, page: state.queueJobs.page } } : {}),
      ...(state.view === 'stats' ? { stats: true } : {}),
    },
    intervalMs,
    dispatch,
    now,
  );
  useSearch(client, state.search, dispatch);
  useTopInput({
    client,
    getState,
    dispatch,
    refresh,
    now,
    tasks: tasks.current,
    quit: () => {
      onQuit?.();
      exit();
    },
    ...(openContext
      ? {
          switchContext: async (name: string) => {
            if (tasks.current?.running) throw new Error('a bulk action is running: Esc stops it, then switch');
            const next = await openContext(name);
            setTarget((previous) => {
              if (previous.client !== firstClient) previous.close?.();
              return next;
            });
            dispatch({ type: 'switched' });
            return `context ${name}: namespace ${next.namespace}`;
          },
        }
      : {}),
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
  else if (state.view === 'stats') body = <StatsView {...viewProps} />;
  else body = <JobSetView {...viewProps} set={state.view} />;

  return (
    <Box flexDirection="column" width={width} height={state.viewport.rows - 1}>
      <Header state={state} namespace={target.namespace} width={width} color={color} />
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
