// `work top`: the live console, full screen. The terminal is restored on quit,
// on Ctrl-C and on a crash.
import React from 'react';
import { Client } from '../engine/client.js';
import type { Command } from './command.js';
import { UsageError } from './exit-codes.js';

const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[H';
const LEAVE_ALT_SCREEN = '\x1b[?1049l';

export const command: Command = {
  usage: 'work top [--redis URL] [-n NAMESPACE] [--interval SECONDS]',
  details: 'Keys: 1-7 or Tab switch views, ↑↓/jk move, Enter opens, / filters, p pauses,\nr retries, d deletes, R/D retry or delete all dead (asks first), ? help, q quits.',
  flags: {
    interval: { type: 'number', default: 2, description: 'seconds between refreshes (default 2)' },
  },
  examples: ['work top', 'work top --redis redis://10.0.0.5:6379 -n my_app --interval 5'],
  async run(ctx) {
    const interval = Number(ctx.flags.interval ?? 2);
    if (!Number.isFinite(interval) || interval < 0.2) throw new UsageError('--interval must be at least 0.2 seconds');
    if (!process.stdout.isTTY) throw new UsageError('work top needs a terminal; for scripts use work queues/pools/workers --json');
    // Reconnect forever in the background, but fail reads at once while down so the screen says so.
    const redis = await ctx.connect({ persistent: true, extra: { enableOfflineQueue: false, maxRetriesPerRequest: 1 } });
    redis.on('error', () => undefined);
    const client = new Client({ redis, namespace: ctx.global.namespace });
    const [{ render }, { App }] = await Promise.all([import('ink'), import('../tui/app.js')]);

    let restored = false;
    const restore = () => {
      if (restored) return;
      restored = true;
      process.stdout.write(LEAVE_ALT_SCREEN);
    };
    process.once('exit', restore);
    process.stdout.write(ENTER_ALT_SCREEN);
    try {
      const instance = render(
        React.createElement(App, {
          client,
          namespace: ctx.global.namespace,
          intervalMs: interval * 1000,
          color: !process.env.NO_COLOR,
        }),
        { exitOnCtrlC: true, patchConsole: true },
      );
      ctx.signal.addEventListener('abort', () => instance.unmount(), { once: true });
      await instance.waitUntilExit();
    } finally {
      restore();
      redis.disconnect();
    }
  },
};
