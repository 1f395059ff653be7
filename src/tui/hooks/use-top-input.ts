// Keyboard input: the keymap turns a key into a command; navigation goes to
// the reducer, actions go to the Client, and every action ends in a status
// line. A prompt (search, `:` command) or a question takes the keys first.
import { useInput } from 'ink';
import type { Dispatch } from 'react';
import type { Client } from '../../engine/client/client.js';
import { errorMessage } from '../../engine/errors.js';
import { bulkLabel, isBulk, runConfirmed, togglePause } from '../data/actions.js';
import { resolveKey } from '../keymap.js';
import { parseCommand } from '../state/command-bar.js';
import { typedAnswer } from '../state/confirm.js';
import { modeOf, typedRight, type TopAction } from '../state/reducer.js';
import { listedQueues, listedWorkers } from '../state/rows.js';
import { isSetView, type DetailTarget, type TopState } from '../state/types.js';
import type { TaskRunner } from './task-runner.js';

export interface InputDeps {
  client: Client;
  /** The current state, read at each key (not the state of the last render). */
  getState: () => TopState;
  dispatch: Dispatch<TopAction>;
  refresh: () => void;
  quit: () => void;
  /** Runs bulk actions in the background; Esc stops the one running. */
  tasks: TaskRunner;
  /** Switches the console to a named context; resolves to the status line. Absent: `:context` says it is not available. */
  switchContext?: (name: string) => Promise<string>;
  now?: () => number;
}

type Key = Parameters<Parameters<typeof useInput>[0]>[1];

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

const printable = (input: string, key: Key) => input !== '' && !key.ctrl && !key.meta && !/[\u0000-\u001f\u007f]/.test(input);

export function handleKey(deps: InputDeps, input: string, key: Key): void {
  const { dispatch } = deps;
  const state = deps.getState();
  const now = deps.now ?? Date.now;
  const say = (text: string, error = false) => dispatch({ type: 'status', text, error, at: now() });
  const act = (work: Promise<string>) => {
    say('working…');
    work.then(say, (error) => say(errorMessage(error), true)).finally(deps.refresh);
  };

  if (state.confirm) {
    const { action } = state.confirm;
    const answer = typedAnswer(action);
    const close = () => dispatch({ type: 'confirm-closed' });
    if (key.escape || (answer === undefined && (input === 'n' || input === 'N'))) {
      close();
      say('cancelled');
      return;
    }
    if (answer !== undefined) {
      // A typed answer: characters, Backspace, then Enter; anything but the answer does nothing.
      if (key.backspace || key.delete) return dispatch({ type: 'confirm-key', input: '', backspace: true });
      if (!key.return) return printable(input, key) ? dispatch({ type: 'confirm-key', input }) : undefined;
      if (!typedRight(state)) {
        close();
        return say(`typed "${state.confirm.typed}", not "${answer}": nothing done`, true);
      }
    } else if (input !== 'y' && input !== 'Y') return;
    close();
    // The job acted on is gone from its set: close it if it was open.
    if (state.detail && (action.kind === 'delete-job' || action.kind === 'retry-job' || action.kind === 'run-now' || action.kind === 'delete-queued')) dispatch({ type: 'command', command: 'back' });
    if (!isBulk(action)) return act(runConfirmed(deps.client, action));
    const search = state.search;
    deps.tasks.start(bulkLabel(action), (control) => runConfirmed(deps.client, action, control), () => {
      // What is left to see now: the search again, over the set as it is after the action.
      if (search && (action.kind === 'retry-matches' || action.kind === 'delete-matches')) dispatch({ type: 'search-start', set: search.set, input: search.input });
      deps.refresh();
    });
    return;
  }

  if (state.prompt) {
    if (key.escape) dispatch({ type: 'prompt-key', input: '', cancel: true });
    else if (key.backspace || key.delete) dispatch({ type: 'prompt-key', input: '', backspace: true });
    else if (key.return) {
      dispatch({ type: 'prompt-key', input: '', cancel: true });
      if (state.prompt.kind === 'command') runBarCommand(deps, state.prompt.text);
      else if (isSetView(state.view)) dispatch(state.prompt.text.trim() === '' ? { type: 'search-clear' } : { type: 'search-start', set: state.view, input: state.prompt.text });
    } else if (printable(input, key)) dispatch({ type: 'prompt-key', input });
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
    say(`read-only console: ${binding.keys} (${binding.label}) is off`, true);
    return;
  }
  if (binding.acts && deps.tasks.running) {
    say('a bulk action is running: Esc stops it after its current batch', true);
    return;
  }
  // Esc stops a running bulk action before it closes anything.
  if (binding.command === 'back' && modeOf(state) === 'list' && deps.tasks.cancel()) {
    say('stopping after the current batch…');
    return;
  }
  switch (binding.command) {
    case 'quit':
      deps.quit();
      return;
    case 'pause': {
      const jobName = state.queueJobs?.jobName ?? listedQueues(state)[state.selected.queues]?.jobName;
      const queue = state.snapshot?.queues.find((q) => q.jobName === jobName);
      if (queue) act(togglePause(deps.client, queue.jobName, queue.paused));
      return;
    }
    case 'open':
      if (state.view === 'workers' && modeOf(state) === 'list') {
        const worker = listedWorkers(state, Math.floor((state.snapshot?.at ?? now()) / 1000))[state.selected.workers];
        if (worker) openInProgress(deps, worker);
        return;
      }
      dispatch({ type: 'command', command: 'open' });
      return;
    default:
      dispatch({ type: 'command', command: binding.command, input });
  }
}

/** A busy worker's job: shown at once from what the worker says, then looked up in its pool's in-progress list. */
function openInProgress(deps: InputDeps, worker: Extract<DetailTarget, { where: 'in-progress' }>['worker']): void {
  deps.dispatch({ type: 'open-detail', target: { where: 'in-progress', worker, lookup: 'pending' } });
  deps.client.inProgressJob(worker.poolId, worker.jobName, worker.jobId).then(
    (job) => deps.dispatch({ type: 'detail-lookup', jobId: worker.jobId, lookup: job ? 'found' : 'missing', ...(job ? { job } : {}) }),
    (error) => deps.dispatch({ type: 'detail-lookup', jobId: worker.jobId, lookup: `could not look it up: ${errorMessage(error)}` }),
  );
}

/** What a `:` line asks for. */
function runBarCommand(deps: InputDeps, line: string): void {
  const { dispatch } = deps;
  const state = deps.getState();
  const now = deps.now ?? Date.now;
  const say = (text: string, error = false) => dispatch({ type: 'status', text, error, at: now() });
  const command = parseCommand(line, state.view);
  switch (command.type) {
    case 'error':
      return say(command.message, true);
    case 'quit':
      return deps.quit();
    case 'help':
      return dispatch({ type: 'command', command: 'help' });
    case 'view':
      dispatch({ type: 'go', view: command.view });
      if (command.search !== undefined && isSetView(command.view)) dispatch({ type: 'search-start', set: command.view, input: command.search });
      return;
    case 'search':
      if (isSetView(state.view)) dispatch({ type: 'search-start', set: state.view, input: command.text });
      return;
    case 'queue':
      return dispatch({ type: 'open-queue', jobName: command.jobName });
    case 'context':
      if (!deps.switchContext) return say('this console cannot switch contexts (start it with work top --context NAME)', true);
      say(`connecting to context ${command.name}…`);
      deps.switchContext(command.name).then(say, (error) => say(errorMessage(error), true));
      return;
    case 'job':
      say(`looking for job ${command.id}…`);
      deps.client.locateJob(command.id).then(
        (places) => {
          const [first] = places;
          if (!first) return say(`no job with ID ${command.id} in the queues, pools, scheduled, retry or dead`, true);
          const more = places.length > 1 ? ` (and ${places.length - 1} other place${places.length > 2 ? 's' : ''})` : '';
          if (first.where === 'queued') {
            dispatch({ type: 'open-queue', jobName: first.jobName });
            dispatch({ type: 'open-detail', target: { where: 'queued', jobName: first.jobName, entry: { ...first.job, raw: first.raw, ahead: first.ahead, member: first.member } } });
          } else if (first.where === 'in-progress') {
            dispatch({ type: 'go', view: 'workers' });
            const seen = deps.getState().snapshot?.observations.find((o) => o.jobId === first.job.id && o.poolId === first.poolId);
            const worker = seen ?? { workerId: '?', poolId: first.poolId, isBusy: true, jobName: first.jobName, jobId: first.job.id, startedAt: 0, argsJson: '', checkin: '', checkinAt: 0 };
            dispatch({ type: 'open-detail', target: { where: 'in-progress', worker, job: { ...first.job, raw: first.raw }, lookup: 'found' } });
          } else {
            dispatch({ type: 'go', view: first.where });
            dispatch({ type: 'open-detail', target: { where: first.where, entry: { ...first.job, score: first.score, raw: first.raw } } });
          }
          say(`job ${command.id}: ${first.where}${more}`);
        },
        (error) => say(errorMessage(error), true),
      );
      return;
  }
}
