// Runs the console full screen until the user quits or `signal` fires. The
// alternate screen is left on quit, on Ctrl-C and on a crash (process exit).
import React from 'react';
import type { Client } from '../engine/client/client.js';
import type { ConsoleTarget } from './app.js';

const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[H';
const LEAVE_ALT_SCREEN = '\x1b[?1049l';

export interface ConsoleOptions {
  client: Client;
  namespace: string;
  intervalMs: number;
  signal: AbortSignal;
  /** Keys that change Redis are refused. */
  readOnly?: boolean;
  /** Connects to a named context of the config file (`:context NAME`). */
  openContext?: (name: string) => Promise<ConsoleTarget>;
}

/** Variables that make Ink draw only the final frame (is-in-ci) and the colour check give up colour (supports-color). */
const CI_VARIABLES = ['CI', 'CONTINUOUS_INTEGRATION'] as const;

/**
 * Loads Ink and the app as if no CI variable were set, then puts the
 * environment back. Ink decides "in CI, draw only the last frame" and its
 * colour library decides the colour level once, when they are first loaded;
 * the console only ever runs on a terminal, where it must draw live and in
 * colour whatever the shell exports. (Setting CI=false instead is not enough:
 * the colour check turns colour off when CI is set at all.)
 */
async function loadOnTerminal() {
  const saved = CI_VARIABLES.map((name) => [name, process.env[name]] as const);
  for (const name of CI_VARIABLES) delete process.env[name];
  try {
    const [ink, app] = await Promise.all([import('ink'), import('./app.js')]);
    return { render: ink.render, App: app.App };
  } finally {
    for (const [name, value] of saved) if (value !== undefined) process.env[name] = value;
  }
}

/** NO_COLOR (set and not empty) turns colour off; the selection stays marked with `>` and reverse video. */
export function colorWanted(env: NodeJS.ProcessEnv): boolean {
  return !env.NO_COLOR;
}

export async function runConsole({ client, namespace, intervalMs, signal, readOnly = false, openContext }: ConsoleOptions): Promise<void> {
  const { render, App } = await loadOnTerminal();
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    process.stdout.write(LEAVE_ALT_SCREEN);
  };
  process.once('exit', restore);
  process.stdout.write(ENTER_ALT_SCREEN);
  try {
    const instance = render(React.createElement(App, { client, namespace, intervalMs, readOnly, color: colorWanted(process.env), ...(openContext ? { openContext } : {}) }), {
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
