// The console's state machine: (state, action) -> state, pure. Side effects
// (Redis reads and writes) happen in hooks, which report back with actions.
import { bindingFor, type CommandId } from '../keymap.js';
import { typedAnswer } from './confirm.js';
import { frameOf } from './layout.js';
import { maxScroll } from './overlay.js';
import { describeQuery } from './query.js';
import { currentSort, listedJobs, listedQueueJobs, listedQueues, rowCount } from './rows.js';
import { searchOf, searchReducer, type SearchAction } from './search.js';
import { emptyObserved, observe } from './stats.js';
import {
  isSetView,
  VIEWS,
  type ClusterSnapshot,
  type ConfirmAction,
  type DetailTarget,
  type Mode,
  type SetView,
  type TaskState,
  type TopState,
  type View,
  type Viewport,
} from './types.js';
import { appendSample, pageCount, sampleOf } from './view-model.js';

export type TopAction =
  | { type: 'snapshot'; snapshot: ClusterSnapshot }
  | { type: 'fetch-failed'; error: string }
  | { type: 'command'; command: CommandId; input?: string }
  | { type: 'filter-key'; input: string; backspace?: boolean; done?: boolean; cancel?: boolean }
  | { type: 'prompt-open'; kind: 'search' | 'command'; text?: string }
  | { type: 'prompt-key'; input: string; backspace?: boolean; cancel?: boolean }
  | { type: 'confirm-key'; input: string; backspace?: boolean }
  | { type: 'confirm-closed' }
  | { type: 'ask'; action: ConfirmAction }
  | { type: 'open-detail'; target: DetailTarget }
  | { type: 'detail-lookup'; jobId: string; lookup: string; job?: Extract<DetailTarget, { where: 'in-progress' }>['job'] }
  | { type: 'go'; view: View }
  | { type: 'open-queue'; jobName: string }
  | { type: 'task'; task: TaskState | undefined }
  | { type: 'switched' }
  | { type: 'viewport'; viewport: Viewport }
  | { type: 'status'; text: string; error?: boolean; at: number }
  | SearchAction;

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
    prompt: undefined,
    search: undefined,
    queueJobs: undefined,
    sort: { ...zero },
    help: false,
    detail: undefined,
    scroll: 0,
    confirm: undefined,
    task: undefined,
    readOnly,
    viewport,
    status: undefined,
    connection: 'connecting',
    lastError: undefined,
    snapshot: undefined,
    history: [],
    observed: emptyObserved(),
  };
}

export function reducer(state: TopState, action: TopAction): TopState {
  switch (action.type) {
    case 'snapshot':
      return clampSelection({
        ...state,
        snapshot: action.snapshot,
        history: appendSample(state.history, sampleOf(action.snapshot)),
        observed: observe(state.observed, action.snapshot),
        connection: 'connected',
        lastError: undefined,
      });
    case 'fetch-failed':
      return { ...state, connection: 'disconnected', lastError: action.error };
    case 'status':
      return { ...state, status: { text: action.text, error: action.error ?? false, at: action.at } };
    case 'confirm-closed':
      return { ...state, confirm: undefined };
    case 'ask':
      return { ...state, confirm: { action: action.action, typed: '' } };
    case 'confirm-key': {
      if (!state.confirm) return state;
      const typed = action.backspace ? state.confirm.typed.slice(0, -1) : state.confirm.typed + action.input;
      return { ...state, confirm: { ...state.confirm, typed } };
    }
    case 'viewport':
      return clampScroll({ ...state, viewport: action.viewport });
    case 'filter-key':
      return filterKey(state, action);
    case 'prompt-open':
      return { ...state, prompt: { kind: action.kind, text: action.text ?? '' } };
    case 'prompt-key': {
      if (!state.prompt) return state;
      if (action.cancel) return { ...state, prompt: undefined };
      return { ...state, prompt: { ...state.prompt, text: action.backspace ? state.prompt.text.slice(0, -1) : state.prompt.text + action.input } };
    }
    case 'open-detail':
      return { ...state, detail: action.target, scroll: 0, help: false };
    case 'detail-lookup': {
      const detail = state.detail;
      if (detail?.where !== 'in-progress' || detail.worker.jobId !== action.jobId) return state;
      return { ...state, detail: { ...detail, lookup: action.lookup, ...(action.job ? { job: action.job } : {}) } };
    }
    case 'go':
      return switchView(state, action.view);
    case 'open-queue':
      return { ...switchView(state, 'queues'), queueJobs: { jobName: action.jobName, page: 1, selected: 0 } };
    case 'task':
      return { ...state, task: action.task };
    case 'switched': {
      // Another Redis or namespace: nothing read from the last one still holds.
      const fresh = initialState({ view: state.view, readOnly: state.readOnly, viewport: state.viewport });
      return { ...fresh, sort: state.sort, status: state.status };
    }
    case 'command':
      return command(state, action.command, action.input ?? '');
    default:
      return clampSelection(searchReducer(state, action));
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

/** The answer typed so far is the one asked for. */
export function typedRight(state: Pick<TopState, 'confirm'>): boolean {
  return state.confirm !== undefined && state.confirm.typed === typedAnswer(state.confirm.action);
}

const status = (state: TopState, text: string, error = false): TopState => ({ ...state, status: { text, error, at: state.snapshot?.at ?? 0 } });

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
    case 'open':
      return open(state);
    case 'back':
      return back(state);
    case 'filter':
      return { ...state, filtering: true };
    case 'search':
      return { ...state, prompt: { kind: 'search', text: isSetView(state.view) ? (searchOf(state, state.view)?.input ?? '') : '' } };
    case 'command':
      return { ...state, prompt: { kind: 'command', text: '' } };
    case 'sort': {
      const sort = { ...state.sort, [state.view]: state.sort[state.view] + 1 };
      const next = { ...state, sort, selected: { ...state.selected, [state.view]: 0 } };
      return status(next, `sorted ${currentSort(next)?.label ?? 'in the usual order'}`);
    }
    case 'retry-job': {
      const target = selectedJob(state);
      if (!target || state.view !== 'dead') return state;
      return ask(state, { kind: 'retry-job', id: target.id, name: target.name });
    }
    case 'run-now': {
      const target = selectedJob(state);
      if (!target || (state.view !== 'retry' && state.view !== 'scheduled')) return state;
      return ask(state, { kind: 'run-now', set: state.view, id: target.id, name: target.name });
    }
    case 'delete-job': {
      const target = selectedJob(state);
      if (!target || !isSetView(state.view)) return state;
      return ask(state, { kind: 'delete-job', set: state.view, id: target.id, name: target.name });
    }
    case 'retry-all-dead':
    case 'delete-all-dead':
    case 'run-matches':
    case 'delete-matches':
      return bulk(state, id);
    case 'delete-queued-job': {
      const detail = state.detail;
      if (detail?.where !== 'queued') return state;
      const { entry } = detail;
      // An undecodable entry is deleted by its bytes too: it has no name or ID to show, so the question says so.
      return ask(state, { kind: 'delete-queued', jobName: detail.jobName, id: entry.invalid ? '' : entry.id, name: entry.invalid ? '' : entry.name, member: entry.member });
    }
    case 'delete-running':
      return status(state, 'a worker is running this job: it cannot be deleted (it is not in its queue); it ends, or fails to retry or dead, on its own', true);
    case 'purge-queue': {
      if (state.queueJobs) return purge(state, state.queueJobs.jobName);
      const queue = listedQueues(state)[state.selected.queues];
      return queue ? purge(state, queue.jobName) : state;
    }
    // Pause and quit are carried out by the input hook; nothing changes here.
    case 'pause':
    case 'quit':
      return state;
  }
}

function purge(state: TopState, jobName: string): TopState {
  const count = state.snapshot?.queues.find((q) => q.jobName === jobName)?.count ?? 0;
  return ask(state, { kind: 'purge-queue', jobName, count });
}

/**
 * R and D: every match of a finished search of the set on screen; on the
 * dead view, without a search, every dead job.
 */
function bulk(state: TopState, id: 'retry-all-dead' | 'delete-all-dead' | 'run-matches' | 'delete-matches'): TopState {
  if (!isSetView(state.view)) return state;
  const set = state.view;
  const deleting = id === 'delete-all-dead' || id === 'delete-matches';
  const search = searchOf(state, set);
  if (!search) {
    if (set === 'dead') return ask(state, { kind: deleting ? 'delete-all-dead' : 'retry-all-dead', count: state.snapshot?.counts.dead ?? 0 });
    return status(state, `${deleting ? 'D' : 'R'} acts on the matches of a search: / first (name:NAME, error:TEXT or any text), then ${deleting ? 'D' : 'R'}`, true);
  }
  const verb = deleting ? 'delete' : set === 'dead' ? 'retry' : 'run';
  if (search.status !== 'done') return status(state, `the search is not finished: let it finish (/ and Enter runs it again) before you ${verb} its matches`, true);
  if (search.matchCount === 0) return status(state, `no ${set} jobs match ${describeQuery(search.query)}: nothing to ${verb}`);
  return ask(state, { kind: deleting ? 'delete-matches' : 'retry-matches', set, count: search.matchCount, query: search.query });
}

function open(state: TopState): TopState {
  if (state.view === 'queues') {
    if (!state.queueJobs) {
      const queue = listedQueues(state)[state.selected.queues];
      return queue ? { ...state, queueJobs: { jobName: queue.jobName, page: 1, selected: 0 } } : state;
    }
    const entry = listedQueueJobs(state)[state.queueJobs.selected];
    return entry ? { ...state, detail: { where: 'queued', jobName: state.queueJobs.jobName, entry }, scroll: 0 } : state;
  }
  if (!isSetView(state.view)) return state;
  const entry = listedJobs(state, state.view)[state.selected[state.view]];
  return entry ? { ...state, detail: { where: state.view, entry }, scroll: 0 } : state;
}

/** Esc: closes what is on top, one thing at a time; stops a running search before clearing it. */
function back(state: TopState): TopState {
  if (state.help) return { ...state, help: false, scroll: 0 };
  if (state.detail) return { ...state, detail: undefined, scroll: 0 };
  if (state.view === 'queues' && state.queueJobs) return { ...state, queueJobs: undefined };
  if (isSetView(state.view) && searchOf(state, state.view)) {
    return reducer(state, { type: state.search?.status === 'running' ? 'search-stop' : 'search-clear' });
  }
  if (state.filter) return clampSelection({ ...state, filter: '' });
  return state;
}

function ask(state: TopState, action: ConfirmAction): TopState {
  return { ...state, confirm: { action, typed: '' } };
}

function scrollBy(state: TopState, delta: number): TopState {
  return clampScroll({ ...state, scroll: Math.max(0, state.scroll + delta) });
}

function clampScroll(state: TopState): TopState {
  const max = maxScroll(state);
  return state.scroll > max ? { ...state, scroll: max } : state;
}

function switchView(state: TopState, view: View): TopState {
  return { ...state, view, filter: '', filtering: false, prompt: undefined, detail: undefined, help: false, scroll: 0 };
}

const nowOf = (state: TopState) => (state.snapshot?.at ?? 0) / 1000;

function moveSelection(state: TopState, delta: number): TopState {
  const count = rowCount(state, state.view, nowOf(state));
  if (state.view === 'queues' && state.queueJobs) {
    const selected = Math.max(0, Math.min(count - 1, state.queueJobs.selected + delta));
    return { ...state, queueJobs: { ...state.queueJobs, selected } };
  }
  const next = Math.max(0, Math.min(count - 1, state.selected[state.view] + delta));
  return { ...state, selected: { ...state.selected, [state.view]: Math.max(0, next) } };
}

function turnPage(state: TopState, delta: number): TopState {
  if (state.view === 'queues' && state.queueJobs) {
    const total = state.snapshot?.queuePage?.result.count ?? 0;
    const page = Math.max(1, Math.min(pageCount(total), state.queueJobs.page + delta));
    return page === state.queueJobs.page ? state : { ...state, queueJobs: { ...state.queueJobs, page, selected: 0 } };
  }
  if (!isSetView(state.view)) return state;
  const set: SetView = state.view;
  // A search's matches are one list: a page key moves the selection a screen at a time.
  if (searchOf(state, set)) return moveSelection(state, delta * Math.max(1, frameOf(state.viewport).bodyHeight - 3));
  const total = state.snapshot?.counts[set] ?? 0;
  const page = Math.max(1, Math.min(pageCount(total), state.pages[set] + delta));
  if (page === state.pages[set]) return state;
  return { ...state, pages: { ...state.pages, [set]: page }, selected: { ...state.selected, [set]: 0 } };
}

function clampSelection(state: TopState): TopState {
  const selected = { ...state.selected };
  let changed = false;
  const now = nowOf(state);
  for (const view of VIEWS) {
    const max = Math.max(0, rowCount({ ...state, queueJobs: undefined }, view, now) - 1);
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
  let queueJobs = state.queueJobs;
  if (queueJobs) {
    const page = state.snapshot?.queuePage;
    const lastPage = page?.jobName === queueJobs.jobName ? pageCount(page.result.count) : queueJobs.page;
    const rows = listedQueueJobs(state).length;
    const fixed = { ...queueJobs, page: Math.min(queueJobs.page, lastPage), selected: Math.min(queueJobs.selected, Math.max(0, rows - 1)) };
    if (fixed.page !== queueJobs.page || (rows > 0 && fixed.selected !== queueJobs.selected)) {
      queueJobs = fixed;
      changed = true;
    }
  }
  return changed ? { ...state, selected, pages, queueJobs } : state;
}

/** The job under the selection in a set view (or the open one, when it is in a set). */
export function selectedJob(state: TopState): { name: string; id: string } | undefined {
  if (state.detail) {
    if (state.detail.where === 'queued' || state.detail.where === 'in-progress') return undefined;
    return state.detail.entry.invalid ? undefined : state.detail.entry;
  }
  if (!isSetView(state.view)) return undefined;
  const job = listedJobs(state, state.view)[state.selected[state.view]];
  return job && !job.invalid ? job : undefined;
}
