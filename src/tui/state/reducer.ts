// The console's state machine: (state, action) -> state, pure. Side effects
// (Redis reads and writes) happen in hooks, which report back with actions.
import { bindingFor, type CommandId } from '../keymap.js';
import { frameOf } from './layout.js';
import { maxScroll } from './overlay.js';
import { appendSample, jobRows, pageCount, rowCount, sampleOf } from './view-model.js';
import { isSetView, VIEWS, type ClusterSnapshot, type ConfirmAction, type Mode, type SetView, type TopState, type View, type Viewport } from './types.js';

export type TopAction =
  | { type: 'snapshot'; snapshot: ClusterSnapshot }
  | { type: 'fetch-failed'; error: string }
  | { type: 'command'; command: CommandId; input?: string }
  | { type: 'filter-key'; input: string; backspace?: boolean; done?: boolean; cancel?: boolean }
  | { type: 'confirm-closed' }
  | { type: 'viewport'; viewport: Viewport }
  | { type: 'status'; text: string; error?: boolean; at: number };

export interface StartOptions {
  view?: View;
  readOnly?: boolean;
  viewport?: Viewport;
}

export function initialState({ view = 'overview', readOnly = false, viewport = { columns: 80, rows: 24 } }: StartOptions = {}): TopState {
  const zero = Object.fromEntries(VIEWS.map((v) => [v, 0])) as Record<View, number>;
  return {
    view,
    selected: zero,
    pages: { retry: 1, scheduled: 1, dead: 1 },
    filter: '',
    filtering: false,
    help: false,
    detail: undefined,
    scroll: 0,
    confirm: undefined,
    readOnly,
    viewport,
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
    case 'viewport':
      return clampScroll({ ...state, viewport: action.viewport });
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

/** Who has the keys now. */
export function modeOf(state: Pick<TopState, 'confirm' | 'help' | 'detail'>): Mode {
  if (state.confirm) return 'confirm';
  if (state.help) return 'help';
  if (state.detail) return 'detail';
  return 'list';
}

function command(state: TopState, id: CommandId, input: string): TopState {
  const mode = modeOf(state);
  // A question, the help or an open job takes only its own keys (the keymap says which).
  if (!(bindingFor(id).modes ?? ['list']).includes(mode)) return state;
  if (mode === 'confirm') return id === 'back' ? { ...state, confirm: undefined } : state;
  if (mode === 'help' || mode === 'detail') {
    const page = Math.max(1, frameOf(state.viewport).bodyHeight - 1);
    if (id === 'up' || id === 'down') return scrollBy(state, id === 'up' ? -1 : 1);
    if (id === 'next-page' || id === 'prev-page') return scrollBy(state, id === 'prev-page' ? -page : page);
  }

  switch (id) {
    case 'help':
      return { ...state, help: !state.help, scroll: 0 };
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
      return job ? { ...state, detail: job, scroll: 0 } : state;
    }
    case 'back':
      if (state.help) return { ...state, help: false, scroll: 0 };
      if (state.detail) return { ...state, detail: undefined, scroll: 0 };
      if (state.filter) return clampSelection({ ...state, filter: '' });
      return state;
    case 'filter':
      return { ...state, filtering: true };
    case 'retry-job': {
      const target = selectedJob(state);
      if (!target || state.view !== 'dead') return state;
      return ask(state, { kind: 'retry-job', id: target.id, name: target.name });
    }
    case 'delete-job': {
      const target = selectedJob(state);
      if (!target || !isSetView(state.view)) return state;
      return ask(state, { kind: 'delete-job', set: state.view, id: target.id, name: target.name });
    }
    case 'retry-all-dead':
      return ask(state, { kind: 'retry-all-dead', count: state.snapshot?.counts.dead ?? 0 });
    case 'delete-all-dead':
      return ask(state, { kind: 'delete-all-dead', count: state.snapshot?.counts.dead ?? 0 });
    // Pause and quit are carried out by the input hook; nothing changes here.
    case 'pause':
    case 'quit':
      return state;
  }
}

function ask(state: TopState, action: ConfirmAction): TopState {
  return { ...state, confirm: { action } };
}

function scrollBy(state: TopState, delta: number): TopState {
  return clampScroll({ ...state, scroll: Math.max(0, state.scroll + delta) });
}

function clampScroll(state: TopState): TopState {
  const max = maxScroll(state);
  return state.scroll > max ? { ...state, scroll: max } : state;
}

function switchView(state: TopState, view: View): TopState {
  return { ...state, view, filter: '', filtering: false, detail: undefined, help: false, scroll: 0 };
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
