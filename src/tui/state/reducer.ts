// The console's state machine: (state, action) -> state, pure. Side effects
// (Redis reads and writes) happen in hooks, which report back with actions.
import type { CommandId } from '../keymap.js';
import { appendSample, jobRows, pageCount, rowCount, sampleOf } from './view-model.js';
import { isSetView, VIEWS, type ClusterSnapshot, type ConfirmAction, type SetView, type TopState, type View } from './types.js';

export type TopAction =
  | { type: 'snapshot'; snapshot: ClusterSnapshot }
  | { type: 'fetch-failed'; error: string }
  | { type: 'command'; command: CommandId; input?: string }
  | { type: 'filter-key'; input: string; backspace?: boolean; done?: boolean; cancel?: boolean }
  | { type: 'confirm-closed' }
  | { type: 'status'; text: string; error?: boolean; at: number };

export function initialState(view: View = 'overview'): TopState {
  const zero = Object.fromEntries(VIEWS.map((v) => [v, 0])) as Record<View, number>;
  return {
    view,
    selected: zero,
    pages: { retry: 1, scheduled: 1, dead: 1 },
    filter: '',
    filtering: false,
    help: false,
    detail: undefined,
    confirm: undefined,
    status: undefined,
    connection: 'connecting',
    lastError: undefined,
    snapshot: undefined,
    history: [],
  };
}

export function reducer(state: TopState, action: TopAction): TopState {
  switch (action.type) {
    case 'snapshot':
      return clampSelection({
        ...state,
        snapshot: action.snapshot,
        history: appendSample(state.history, sampleOf(action.snapshot)),
        connection: 'connected',
        lastError: undefined,
      });
    case 'fetch-failed':
      return { ...state, connection: 'disconnected', lastError: action.error };
    case 'status':
      return { ...state, status: { text: action.text, error: action.error ?? false, at: action.at } };
    case 'confirm-closed':
      return { ...state, confirm: undefined };
    case 'filter-key':
      return filterKey(state, action);
    case 'command':
      return command(state, action.command, action.input ?? '');
  }
}

function filterKey(state: TopState, action: Extract<TopAction, { type: 'filter-key' }>): TopState {
  if (action.cancel) return clampSelection({ ...state, filtering: false, filter: '' });
  if (action.done) return { ...state, filtering: false };
  if (action.backspace) return clampSelection({ ...state, filter: state.filter.slice(0, -1) });
  return clampSelection({ ...state, filter: state.filter + action.input });
}

function command(state: TopState, id: CommandId, input: string): TopState {
  // While a question or a job is open, only its own keys count.
  if (state.confirm) return id === 'back' ? { ...state, confirm: undefined } : state;
  if (state.help && id !== 'help' && id !== 'quit') return id === 'back' ? { ...state, help: false } : state;
  if (state.detail && id !== 'back' && id !== 'quit' && id !== 'retry-job' && id !== 'delete-job') return state;

  switch (id) {
    case 'help':
      return { ...state, help: !state.help };
    case 'next-view':
      return switchView(state, VIEWS[(VIEWS.indexOf(state.view) + 1) % VIEWS.length]!);
    case 'prev-view':
      return switchView(state, VIEWS[(VIEWS.indexOf(state.view) + VIEWS.length - 1) % VIEWS.length]!);
    case 'go-view':
      return switchView(state, VIEWS[Number(input) - 1] ?? state.view);
    case 'up':
      return moveSelection(state, -1);
    case 'down':
      return moveSelection(state, 1);
    case 'next-page':
    case 'prev-page':
      return turnPage(state, id === 'next-page' ? 1 : -1);
    case 'open': {
      if (!isSetView(state.view)) return state;
      const job = jobRows(state.snapshot, state.view, state.filter)[state.selected[state.view]];
      return job ? { ...state, detail: job } : state;
    }
    case 'back':
      if (state.detail) return { ...state, detail: undefined };
      if (state.filter) return clampSelection({ ...state, filter: '' });
      return state;
    case 'filter':
      return { ...state, filtering: true };
    case 'delete-job': {
      const target = selectedJob(state);
      if (!target || !isSetView(state.view)) return state;
      return ask(state, { kind: 'delete-job', set: state.view, id: target.id }, `Delete ${state.view} job ${target.name} ${target.id}? (y/n)`);
    }
    case 'retry-all-dead':
      return ask(state, { kind: 'retry-all-dead' }, `Retry all ${state.snapshot?.counts.dead ?? 0} dead jobs? (y/n)`);
    case 'delete-all-dead':
      return ask(state, { kind: 'delete-all-dead' }, `Delete all ${state.snapshot?.counts.dead ?? 0} dead jobs for good? (y/n)`);
    // Pause, retry and quit are carried out by the input hook; nothing changes here.
    case 'pause':
    case 'retry-job':
    case 'quit':
      return state;
  }
}

function ask(state: TopState, action: ConfirmAction, message: string): TopState {
  return { ...state, confirm: { action, message } };
}

function switchView(state: TopState, view: View): TopState {
  return { ...state, view, filter: '', filtering: false, detail: undefined };
}

function moveSelection(state: TopState, delta: number): TopState {
  const count = rowCount(state, state.view, (state.snapshot?.at ?? 0) / 1000);
  const current = state.selected[state.view];
  const next = Math.max(0, Math.min(count - 1, current + delta));
  return { ...state, selected: { ...state.selected, [state.view]: Math.max(0, next) } };
}

function turnPage(state: TopState, delta: number): TopState {
  if (!isSetView(state.view)) return state;
  const set: SetView = state.view;
  const total = state.snapshot?.counts[set] ?? 0;
  const page = Math.max(1, Math.min(pageCount(total), state.pages[set] + delta));
  if (page === state.pages[set]) return state;
  return { ...state, pages: { ...state.pages, [set]: page }, selected: { ...state.selected, [set]: 0 } };
}

function clampSelection(state: TopState): TopState {
  const selected = { ...state.selected };
  let changed = false;
  const now = (state.snapshot?.at ?? 0) / 1000;
  for (const view of VIEWS) {
    const max = Math.max(0, rowCount(state, view, now) - 1);
    if (selected[view] > max) {
      selected[view] = max;
      changed = true;
    }
  }
  const pages = { ...state.pages };
  for (const set of ['retry', 'scheduled', 'dead'] as const) {
    const last = pageCount(state.snapshot?.counts[set] ?? 0);
    if (pages[set] > last) {
      pages[set] = last;
      changed = true;
    }
  }
  return changed ? { ...state, selected, pages } : state;
}

/** The job under the selection in a set view (or the open one). */
export function selectedJob(state: TopState): { name: string; id: string } | undefined {
  if (state.detail && !state.detail.invalid) return state.detail;
  if (!isSetView(state.view)) return undefined;
  const job = jobRows(state.snapshot, state.view, state.filter)[state.selected[state.view]];
  return job && !job.invalid ? job : undefined;
}
