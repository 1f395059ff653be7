// What the console's action keys do, through the Client. Each returns the
// status line to show; failures are thrown and shown as errors by the caller.
import type { Client } from '../../engine/client.js';
import type { ConfirmAction, SetView } from '../state/types.js';

export async function togglePause(client: Client, queue: string, paused: boolean): Promise<string> {
  if (paused) {
    await client.unpauseQueue(queue);
    return `unpaused ${queue}`;
  }
  await client.pauseQueue(queue);
  return `paused ${queue}`;
}

export async function retryDeadJob(client: Client, id: string): Promise<string> {
  await client.retryDeadJob(id);
  return `retried dead job ${id}`;
}

export async function deleteJob(client: Client, set: SetView, id: string): Promise<string> {
  if (set === 'dead') await client.deleteDeadJob(id);
  else if (set === 'retry') await client.deleteRetryJob(id);
  else await client.deleteScheduledJob(id);
  return `deleted ${set} job ${id}`;
}

export async function runConfirmed(client: Client, action: ConfirmAction): Promise<string> {
  switch (action.kind) {
    case 'delete-job':
      return deleteJob(client, action.set, action.id);
    case 'retry-all-dead': {
      const { retried, total } = await client.retryAllDeadJobs();
      return `retried ${retried} of ${total} dead jobs`;
    }
    case 'delete-all-dead': {
      const { deleted } = await client.deleteAllDeadJobs();
      return `deleted ${deleted} dead jobs`;
    }
  }
}
