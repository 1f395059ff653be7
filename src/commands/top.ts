// `work top`: the live console, full screen.
import type { Redis } from 'ioredis';
import { Client } from '../engine/client/client.js';
import { errorMessage } from '../engine/errors.js';
import { redisAccess, resolveGlobals, type Command } from './command.js';
import { UsageError } from './exit-codes.js';

export const command: Command = {
  usage: 'work top [--redis URL] [-n NAMESPACE] [--interval SECONDS] [--read-only]',
  details:
    'Keys: 1-8 or Tab switch views, ↑↓/jk move, Enter opens any job, / searches the\nwhole set (filters other lists), s sorts, p pauses, P purges a queue, r retries,\nn runs now, d deletes (each names the job and asks), R/D retry or delete all\ndead or every match (type the count), : commands (:context NAME switches), ? help,\nq quits. --read-only (env WORK_READ_ONLY=1) turns the acting keys off.',
  flags: {
    interval: { type: 'number', default: 2, description: 'seconds between refreshes (default 2)' },
    readOnly: { type: 'boolean', description: 'look only: keys that change Redis are off (env WORK_READ_ONLY=1)' },
  },
  examples: ['work top', 'work top --redis redis://10.0.0.5:6379 -n my_app --interval 5', 'WORK_READ_ONLY=1 work top'],
  async run(ctx) {
    const interval = Number(ctx.flags.interval ?? 2);
    if (!Number.isFinite(interval) || interval < 0.2) throw new UsageError('--interval must be at least 0.2 seconds');
    const readOnly = Boolean(ctx.flags.readOnly) || readOnlyFromEnv(process.env.WORK_READ_ONLY);
    if (!process.stdout.isTTY) throw new UsageError('work top needs a terminal; for scripts use work queues/pools/workers --json');
    // Reconnect forever in the background, but fail reads at once while down so the screen says so.
    const options = { persistent: true, extra: { enableOfflineQueue: false, maxRetriesPerRequest: 1 } };
    const redis = await ctx.connect(options);
    redis.on('error', () => undefined);
    const opened: Redis[] = [redis];
    // `:context NAME`: the context's settings alone (flags and variables given to this run do not mix in).
    const openContext = async (name: string) => {
      const global = resolveGlobals({ context: name }, process.env);
      const access = redisAccess(global);
      let other: Redis;
      try {
        other = await access.connect(options);
      } catch (error) {
        throw new Error(access.redact(errorMessage(error)), { cause: error });
      }
      other.on('error', () => undefined);
      opened.push(other);
      return { client: new Client({ redis: other, namespace: global.namespace }), namespace: global.namespace, close: () => other.disconnect() };
    };
    try {
      const { runConsole } = await import('../tui/run-console.js');
      await runConsole({
        client: new Client({ redis, namespace: ctx.global.namespace }),
        namespace: ctx.global.namespace,
        intervalMs: interval * 1000,
        signal: ctx.signal,
        readOnly,
        openContext,
      });
    } finally {
      for (const r of opened) r.disconnect();
    }
  },
};

/** WORK_READ_ONLY=1 (or true/yes) asks for a read-only console; unset, empty, 0, false or no do not. */
export function readOnlyFromEnv(value: string | undefined): boolean {
  return value !== undefined && !['', '0', 'false', 'no'].includes(value.trim().toLowerCase());
}
