// What the console's action keys do, through the Client. Each returns the
// status line to show, naming what it touched; failures are thrown and shown
// as errors by the caller. The footer makes the names inert.
import type { Client } from '../../engine/client/client.js';
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

export async function runConfirmed(client: Client, action: ConfirmAction): Promise<string> {
  switch (action.kind) {
    case 'retry-job':
      await client.retryDeadJob(action.id);
      return `retried dead job ${action.name} (${action.id})`;
    case 'delete-job':
      await deleteJob(client, action.set, action.id);
      return `deleted ${action.set} job ${action.name} (${action.id})`;
    case 'retry-all-dead': {
      const { retried, total, left, changed } = await client.retryAllDeadJobs();
      // Exactly what moved first; then where the rest went, if anywhere.
      const rest = [changed > 0 ? `${changed} changed meanwhile` : '', left > 0 ? `${left} left in dead (undecodable)` : ''].filter(Boolean);
      return `retried ${retried} of ${total} dead jobs${rest.length > 0 ? `; ${rest.join('; ')}` : ''}`;
    }
    case 'delete-all-dead': {
      const { deleted } = await client.deleteAllDeadJobs();
      return `deleted ${deleted} dead jobs`;
    }
  }
}
