// Runs the console full screen until the user quits or `signal` fires. The
// alternate screen is left on quit, on Ctrl-C and on a crash (process exit).
import React from 'react';
import type { Client } from '../engine/client.js';

const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[H';
const LEAVE_ALT_SCREEN = '\x1b[?1049l';

export interface ConsoleOptions {
  client: Client;
  namespace: string;
  intervalMs: number;
  signal: AbortSignal;
}

export async function runConsole({ client, namespace, intervalMs, signal }: ConsoleOptions): Promise<void> {
  // Ink draws only the final frame when the environment says CI (CI=true and
  // the like). The console runs only on a terminal and must draw live there,
  // whatever the shell exports; CI=false is how Ink's check is told so.
  process.env.CI = 'false';
  const [{ render }, { App }] = await Promise.all([import('ink'), import('./app.js')]);
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    process.stdout.write(LEAVE_ALT_SCREEN);
  };
  process.once('exit', restore);
  process.stdout.write(ENTER_ALT_SCREEN);
  try {
    const instance = render(React.createElement(App, { client, namespace, intervalMs, color: !process.env.NO_COLOR }), {
      exitOnCtrlC: true,
      patchConsole: true,
    });
    signal.addEventListener('abort', () => instance.unmount(), { once: true });
    await instance.waitUntilExit();
  } finally {
    restore();
    process.off('exit', restore);
  }
}
