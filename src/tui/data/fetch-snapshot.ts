// One console refresh, through the Client only. Its cost is fixed whatever the
// size of the sets: every read is a count, a page of 20, or per-queue/per-pool.
import type { Client, MetricMinutes } from '../../engine/client/client.js';
import type { StatsSource } from '../state/stats.js';
import type { ClusterSnapshot, SetView } from '../state/types.js';

export interface SnapshotRequest {
  /** The set view on screen, whose page is read. */
  set?: SetView;
  page: number;
  /** The queue opened on the queues view, whose page is read. */
  queue?: { jobName: string; page: number };
  /** The stats view is on screen: read the durable per-minute counters too. */
  stats?: boolean;
}

/** Minutes of durable counters the stats view reads (its sparklines cover them). */
export const STATS_MINUTES = 60;

export async function fetchSnapshot(client: Client, request: SnapshotRequest, nowMs: number): Promise<ClusterSnapshot> {
  const pageRead = request.set ? readPage(client, request.set, request.page) : Promise.resolve(undefined);
  const queueRead = request.queue ? client.queueJobs(request.queue.jobName, request.queue.page) : Promise.resolve(undefined);
  // Durable counters are optional (Go pools write none; an older Redis user may not read them): without them the view shows what the console saw.
  const durableRead = request.stats ? client.metricMinutes(STATS_MINUTES).then(durableSource, () => undefined) : Promise.resolve(undefined);
  // Nine round trips, sent concurrently: queues 2, pools and workers 3, then one each; one more for an
  // opened queue, two more on the stats view.
  const [queues, { pools, observations }, stats, counts, server, page, queuePage, durable] = await Promise.all([
    client.queues(),
    client.poolsAndObservations(),
    client.stats(),
    client.setCounts(),
    client.serverInfo(),
    pageRead,
    queueRead,
    durableRead,
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
    ...(request.queue && queuePage ? { queuePage: { jobName: request.queue.jobName, number: request.queue.page, result: queuePage } } : {}),
    ...(durable ? { durable } : {}),
  };
}

function readPage(client: Client, set: SetView, page: number) {
  if (set === 'dead') return client.deadJobs(page);
  if (set === 'retry') return client.retryJobs(page);
  return client.scheduledJobs(page);
}

/** The durable counters as the stats view's source: from the first minute that has any. */
export function durableSource({ minutes, window }: MetricMinutes): StatsSource {
  const first = minutes.find((m) => m.jobs.length > 0);
  return {
    kind: 'durable',
    since: (first?.minute ?? minutes[minutes.length - 1]?.minute ?? 0) * 1000,
    jobs: window.map((w) => ({
      jobName: w.jobName,
      minutes: minutes.flatMap((m) => {
        const job = m.jobs.find((j) => j.jobName === w.jobName);
        return job ? [{ minute: m.minute, done: job.done, failed: job.failed }] : [];
      }),
      runMs: w.runMs,
      latencySeconds: w.latencySeconds,
    })),
  };
}
