// What the console's action keys do, through the Client. Each returns the
// status line to show, naming what it touched and saying exactly what it
// did; failures are thrown and shown as errors by the caller. The footer
// makes the names inert.
import type { BulkProgress, Client } from '../../engine/client/client.js';
import { NotDeletedError } from '../../engine/errors.js';
import { describeQuery } from '../state/query.js';
import type { ConfirmAction, SetView } from '../state/types.js';

export async function togglePause(client: Client, queue: string, paused: boolean): Promise<string> {
  if (paused) {
    await client.unpauseQueue(queue);
    return `unpaused ${queue}`;
  }
  await client.pauseQueue(queue);
  return `paused ${queue}`;
}

async function deleteJob(client: Client, set: SetView, id: string): Promise<void> {
  if (set === 'dead') await client.deleteDeadJob(id);
  else if (set === 'retry') await client.deleteRetryJob(id);
  else await client.deleteScheduledJob(id);
}

/** For bulk actions: stop between batches, and how far they got. */
export interface BulkControl {
  signal?: AbortSignal;
  onProgress?: (progress: BulkProgress) => void;
}

/** "retried 50 of 51 dead jobs…; 1 left in dead (undecodable); stopped: R runs it again for the rest". */
function tally(past: string, what: string, r: { done: number; total: number; left: number; changed: number; aborted: boolean }, again: string, set: SetView = 'dead'): string {
  // Exactly what moved first; then where the rest went, if anywhere.
  const rest = [r.changed > 0 ? `${r.changed} changed meanwhile` : '', r.left > 0 ? `${r.left} left in ${set} (undecodable, or their queue key holds another type)` : ''].filter(Boolean);
  const stopped = r.aborted ? `; stopped: ${again} runs it again for the rest` : '';
  return `${past} ${r.done} of ${r.total} ${what}${rest.length > 0 ? `; ${rest.join('; ')}` : ''}${stopped}`;
}

export async function runConfirmed(client: Client, action: ConfirmAction, control: BulkControl = {}): Promise<string> {
  switch (action.kind) {
    case 'retry-job':
      await client.retryDeadJob(action.id);
      return `retried dead job ${action.name} (${action.id})`;
    case 'run-now':
      await client.runJobNow(action.set, action.id);
      return `moved ${action.set} job ${action.name} (${action.id}) to its queue`;
    case 'delete-job':
      await deleteJob(client, action.set, action.id);
      return `deleted ${action.set} job ${action.name} (${action.id})`;
    case 'retry-all-dead': {
      const r = await client.retryAllDeadJobs(control);
      return tally('retried', 'dead jobs', { ...r, done: r.retried }, 'R');
    }
    case 'delete-all-dead': {
      const { deleted } = await client.deleteAllDeadJobs(control);
      return `deleted ${deleted} dead jobs`;
    }
    case 'retry-matches': {
      const matching = `${action.set} jobs matching ${describeQuery(action.query)}`;
      if (action.set === 'dead') {
        const r = await client.retryAllDeadJobs({ ...action.query, ...control });
        return tally('retried', matching, { ...r, done: r.retried }, 'R');
      }
      const r = await client.runAllJobsNow(action.set, { ...action.query, ...control });
      return tally('moved', `${matching} to their queues`, { ...r, done: r.moved }, 'R', action.set);
    }
    case 'delete-matches': {
      const r = await client.deleteAllJobs(action.set, { ...action.query, ...control });
      return tally('deleted', `${action.set} jobs matching ${describeQuery(action.query)}`, { ...r, done: r.deleted }, 'D', action.set);
    }
    case 'delete-queued': {
      const what = action.id === '' ? `the undecodable entry of ${action.jobName}` : `queued job ${action.name} (${action.id})`;
      const { deleted, markerReleased } = await client.deleteQueuedJob(action.jobName, action.member);
      if (!deleted) throw new NotDeletedError(`nothing deleted: ${what} is no longer in the queue (a pool took it, or someone removed it)`);
      return `deleted ${what} from ${action.jobName}${markerReleased ? ', its uniqueness marker released' : ''}`;
    }
    case 'purge-queue': {
      const { purged, markersReleased } = await client.purgeQueue(action.jobName);
      return `purged ${action.jobName}: ${purged} jobs deleted${markersReleased > 0 ? `, ${markersReleased} uniqueness markers released` : ''}`;
    }
  }
}

/** Actions that walk a set in batches: they show progress and Esc stops them. */
export function isBulk(action: ConfirmAction): boolean {
  return action.kind === 'retry-all-dead' || action.kind === 'retry-matches' || action.kind === 'delete-matches';
}

/** The progress line of a bulk action. */
export function bulkLabel(action: ConfirmAction): string {
  if (action.kind === 'retry-matches' || action.kind === 'delete-matches') {
    const verb = action.kind === 'delete-matches' ? 'deleting' : action.set === 'dead' ? 'retrying' : 'moving to their queues';
    return `${verb} ${action.set} jobs matching ${describeQuery(action.query)}`;
  }
  return 'retrying dead jobs';
}
