// Polls the cluster through the Client every interval, and at once when the
// page on screen changes or an action asks for it. A failed refresh marks the
// console disconnected; the next tick tries again, so it recovers by itself.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Dispatch } from 'react';
import type { Client } from '../../engine/client/client.js';
import { errorMessage } from '../../engine/errors.js';
import { fetchSnapshot, type SnapshotRequest } from '../data/fetch-snapshot.js';
import type { TopAction } from '../state/reducer.js';

export function useCluster(
  client: Client,
  request: SnapshotRequest,
  intervalMs: number,
  dispatch: Dispatch<TopAction>,
  now: () => number = Date.now,
): () => void {
  const [generation, setGeneration] = useState(0);
  const requestRef = useRef(request);
  requestRef.current = request;

  useEffect(() => {
    let cancelled = false;
    let timer: NodeJS.Timeout | undefined;
    const refresh = async () => {
      try {
        const snapshot = await fetchSnapshot(client, requestRef.current, now());
        if (!cancelled) dispatch({ type: 'snapshot', snapshot });
      } catch (error) {
        if (!cancelled) dispatch({ type: 'fetch-failed', error: errorMessage(error) });
      }
      if (!cancelled) timer = setTimeout(refresh, intervalMs);
    };
    void refresh();
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    };
  }, [client, intervalMs, dispatch, now, request.set, request.page, request.queue?.jobName, request.queue?.page, request.stats, generation]);

  return useCallback(() => setGeneration((g) => g + 1), []);
}
