// Runs the search the state asks for: while it is `running`, steps through
// the set through the Client and reports each step's matches; when the state
// stops or replaces it (Esc, a new search), the walk is aborted between two
// steps. Steps are reported at most every 100 ms, so a search of millions of
// jobs does not redraw the screen a thousand times.
import { useEffect } from 'react';
import type { Dispatch } from 'react';
import type { Client, JobEntry } from '../../engine/client/client.js';
import { errorMessage } from '../../engine/errors.js';
import type { TopAction } from '../state/reducer.js';
import type { SearchState } from '../state/types.js';

const REPORT_EVERY_MS = 100;

export function useSearch(client: Client, search: SearchState | undefined, dispatch: Dispatch<TopAction>): void {
  const running = search?.status === 'running';
  const id = search?.id;
  const set = search?.set;
  const query = search?.query;
  useEffect(() => {
    if (!running || id === undefined || set === undefined || query === undefined) return;
    const controller = new AbortController();
    void (async () => {
      let pending: JobEntry[] = [];
      let last = 0;
      let position = { done: 0, total: 0 };
      const report = () => {
        dispatch({ type: 'search-progress', id, ...position, matches: pending });
        pending = [];
        last = Date.now();
      };
      try {
        for await (const step of client.searchJobs(set, query, { signal: controller.signal })) {
          if (controller.signal.aborted) return;
          pending = pending.length === 0 ? step.matches : [...pending, ...step.matches];
          position = { done: step.done, total: step.total };
          if (Date.now() - last >= REPORT_EVERY_MS) report();
        }
        if (controller.signal.aborted) return;
        report();
        dispatch({ type: 'search-end', id });
      } catch (error) {
        if (controller.signal.aborted) return;
        report();
        dispatch({ type: 'search-end', id, error: errorMessage(error) });
      }
    })();
    return () => controller.abort();
  }, [client, dispatch, running, id, set, query]);
}
