// One console refresh, through the Client only. Its cost is fixed whatever the
// size of the sets: every read is a count, a page of 20, or per-queue/per-pool.
import type { Client } from '../../engine/client/client.js';
import type { ClusterSnapshot, SetView } from '../state/types.js';

export interface SnapshotRequest {
  /** The set view on screen, whose page is read. */
  set?: SetView;
  page: number;
}

export async function fetchSnapshot(client: Client, request: SnapshotRequest, nowMs: number): Promise<ClusterSnapshot> {
  const pageRead = request.set ? readPage(client, request.set, request.page) : Promise.resolve(undefined);
  // Nine round trips, sent concurrently: queues 2, pools and workers 3, then one each.
  const [queues, { pools, observations }, stats, counts, server, page] = await Promise.all([
    client.queues(),
    client.poolsAndObservations(),
    client.stats(),
    client.setCounts(),
    client.serverInfo(),
    pageRead,
  ]);
  return {
    at: nowMs,
    queues,
    pools,
    observations,
    stats,
    counts,
    server,
    ...(request.set && page ? { page: { set: request.set, number: request.page, result: page } } : {}),
  };
}

function readPage(client: Client, set: SetView, page: number) {
  if (set === 'dead') return client.deadJobs(page);
  if (set === 'retry') return client.retryJobs(page);
  return client.scheduledJobs(page);
}
