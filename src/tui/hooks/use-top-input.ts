// Keyboard input: the keymap turns a key into a command; navigation goes to
// the reducer, actions go to the Client, and every action ends in a status line.
import { useInput } from 'ink';
import type { Dispatch } from 'react';
import type { Client } from '../../engine/client/client.js';
import { errorMessage } from '../../engine/errors.js';
import { runConfirmed, togglePause } from '../data/actions.js';
import { resolveKey } from '../keymap.js';
import { modeOf, type TopAction } from '../state/reducer.js';
import type { TopState } from '../state/types.js';
import { queueRows } from '../state/view-model.js';

export interface InputDeps {
  client: Client;
  /** The current state, read at each key (not the state of the last render). */
  getState: () => TopState;
  dispatch: Dispatch<TopAction>;
  refresh: () => void;
  quit: () => void;
  now?: () => number;
}

export function useTopInput(deps: InputDeps): void {
  useInput((input, key) => {
    // Keys typed quickly can arrive as one chunk ("jjj", "j\r"); outside the
    // filter prompt each character is its own key press.
    if (!deps.getState().filtering && input.length > 1 && !key.ctrl && !key.meta) {
      for (const char of input) {
        const enter = char === '\r' || char === '\n';
        handleKey(deps, enter ? '' : char, { ...key, return: enter, tab: char === '\t', shift: char !== char.toLowerCase() });
      }
      return;
    }
    handleKey(deps, input, key);
  });
}

export function handleKey(deps: InputDeps, input: string, key: Parameters<Parameters<typeof useInput>[0]>[1]): void {
  const { dispatch } = deps;
  const state = deps.getState();
  const now = deps.now ?? Date.now;
  const act = (work: Promise<string>) => {
    dispatch({ type: 'status', text: 'working…', at: now() });
    work.then(
      (text) => dispatch({ type: 'status', text, at: now() }),
      (error) => dispatch({ type: 'status', text: errorMessage(error), error: true, at: now() }),
    ).finally(deps.refresh);
  };

  if (state.confirm) {
    if (input === 'y' || input === 'Y') {
      const { action } = state.confirm;
      dispatch({ type: 'confirm-closed' });
      // The job acted on is gone from its set: close it if it was open.
      if (state.detail && (action.kind === 'delete-job' || action.kind === 'retry-job')) dispatch({ type: 'command', command: 'back' });
      act(runConfirmed(deps.client, action));
    } else if (input === 'n' || input === 'N' || key.escape) {
      dispatch({ type: 'confirm-closed' });
      dispatch({ type: 'status', text: 'cancelled', at: now() });
    }
    return;
  }
  if (state.filtering) {
    if (key.escape) dispatch({ type: 'filter-key', input: '', cancel: true });
    else if (key.return) dispatch({ type: 'filter-key', input: '', done: true });
    else if (key.backspace || key.delete) dispatch({ type: 'filter-key', input: '', backspace: true });
    else if (input && !key.ctrl && !key.meta) dispatch({ type: 'filter-key', input });
    return;
  }

  const binding = resolveKey({ ...key, input }, state.view, modeOf(state));
  if (!binding) return;
  if (binding.acts && state.readOnly) {
    dispatch({ type: 'status', text: `read-only console: ${binding.keys} (${binding.label}) is off`, error: true, at: now() });
    return;
  }
  switch (binding.command) {
    case 'quit':
      deps.quit();
      return;
    case 'pause': {
      const queue = queueRows(state.snapshot, state.history, state.filter)[state.selected.queues];
      if (queue) act(togglePause(deps.client, queue.jobName, queue.paused));
      return;
    }
    default:
      dispatch({ type: 'command', command: binding.command, input });
  }
}
