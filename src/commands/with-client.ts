// Runbook commands open one Client for their run and always close it.
import { Client } from '../engine/client/client.js';
import type { CommandContext } from './command.js';

export async function withClient<T>(ctx: CommandContext, use: (client: Client) => Promise<T>): Promise<T> {
  const redis = await ctx.connect();
  const client = new Client({ redis, namespace: ctx.global.namespace });
  try {
    return await use(client);
  } finally {
    redis.disconnect();
  }
}
