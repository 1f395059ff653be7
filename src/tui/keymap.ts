// One table drives input, the footer and the `?` help, so they cannot drift.
// Convention: a bulk action uses an uppercase (Shift) key, and every action
// on jobs asks first, naming what it touches. Acting keys are marked `acts`
// so a read-only console can refuse them and say so.
import type { Mode, View } from './state/types.js';

export type CommandId =
  | 'quit'
  | 'help'
  | 'next-view'
  | 'prev-view'
  | 'go-view'
  | 'up'
  | 'down'
  | 'next-page'
  | 'prev-page'
  | 'open'
  | 'back'
  | 'filter'
  | 'search'
  | 'command'
  | 'sort'
  | 'pause'
  | 'purge-queue'
  | 'run-now'
  | 'retry-job'
  | 'delete-job'
  | 'retry-all-dead'
  | 'delete-all-dead'
  | 'run-matches'
  | 'delete-matches'
  | 'delete-queued-job'
  | 'delete-running';

/** What useInput hands us, reduced to the fields the keymap needs. */
export interface KeyPress {
  input: string;
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  return?: boolean;
  escape?: boolean;
  tab?: boolean;
  shift?: boolean;
  ctrl?: boolean;
}

export interface Binding {
  command: CommandId;
  /** How the key is written in the footer and help. */
  keys: string;
  /** Short footer label. */
  label: string;
  description: string;
  /** Views where it applies; undefined = everywhere. */
  views?: readonly View[];
  /** What must have the keys for it to apply; undefined = the view's rows only. */
  modes?: readonly Mode[];
  /** Shown in the footer (the rest only in help): everywhere it applies, or in these views only. */
  footer?: boolean | readonly View[];
  /** Changes Redis: refused by a read-only console. */
  acts?: boolean;
  match(key: KeyPress): boolean;
}

const SET_VIEWS: readonly View[] = ['retry', 'scheduled', 'dead'];
const LIST_VIEWS: readonly View[] = ['queues', 'pools', 'workers', 'retry', 'scheduled', 'dead', 'stats'];
const SCROLLS: readonly Mode[] = ['list', 'help', 'detail'];

export const KEYMAP: readonly Binding[] = [
  { command: 'quit', keys: 'q', label: 'quit', description: 'Quit', footer: true, modes: ['list', 'help', 'detail'], match: (k) => k.input === 'q' || (k.ctrl === true && k.input === 'c') },
  { command: 'help', keys: '?', label: 'help', description: 'Show or hide this help', footer: true, modes: ['list', 'help'], match: (k) => k.input === '?' },
  { command: 'next-view', keys: 'Tab', label: 'view', description: 'Next view', match: (k) => k.tab === true && !k.shift },
  { command: 'prev-view', keys: 'Shift-Tab', label: 'prev view', description: 'Previous view', match: (k) => k.tab === true && k.shift === true },
  { command: 'go-view', keys: '1-8', label: 'views', description: 'Go to a view: 1 overview, 2 queues, 3 pools, 4 workers, 5 retry, 6 scheduled, 7 dead, 8 stats', match: (k) => /^[1-8]$/.test(k.input) },
  { command: 'up', keys: '↑/k', label: 'up', description: 'Move the selection up (in help or a job: scroll)', modes: SCROLLS, match: (k) => k.upArrow === true || k.input === 'k' },
  { command: 'down', keys: '↓/j', label: 'down', description: 'Move the selection down (in help or a job: scroll)', modes: SCROLLS, match: (k) => k.downArrow === true || k.input === 'j' },
  { command: 'next-page', keys: '→/PgDn', label: 'page', description: 'Next page (in help or a job: a screen down)', modes: SCROLLS, match: (k) => k.rightArrow === true || k.pageDown === true },
  { command: 'prev-page', keys: '←/PgUp', label: 'prev page', description: 'Previous page (in help or a job: a screen up)', modes: SCROLLS, match: (k) => k.leftArrow === true || k.pageUp === true },
  { command: 'open', keys: 'Enter', label: 'open', description: 'Open the selected job (where it is, times, worker, args, the whole last error); on a queue, its jobs', views: ['queues', 'workers', ...SET_VIEWS], footer: true, match: (k) => k.return === true },
  { command: 'back', keys: 'Esc', label: 'back', description: 'Close the job, help, queue, filter, search or question; stop a search or a bulk action', modes: ['list', 'help', 'detail', 'confirm'], match: (k) => k.escape === true },
  { command: 'filter', keys: '/', label: 'filter', description: 'Filter the rows by name (Enter keeps it, Esc clears it)', views: ['queues', 'pools', 'workers', 'stats'], footer: true, match: (k) => k.input === '/' },
  { command: 'search', keys: '/', label: 'search', description: 'Search the whole set: words match name, ID, error or args; name:X and error:TEXT narrow it (Enter runs, Esc stops)', views: SET_VIEWS, footer: true, match: (k) => k.input === '/' },
  { command: 'sort', keys: 's', label: 'sort', description: 'Sort by the next column (longest, oldest, most first)', views: LIST_VIEWS, footer: ['queues', 'pools', 'workers', 'stats'], match: (k) => k.input === 's' },
  { command: 'command', keys: ':', label: 'command', description: 'Command: :dead :retry :scheduled :queues :pools :workers :stats, :queue NAME, :job ID, :search TEXT', match: (k) => k.input === ':' },
  { command: 'pause', keys: 'p', label: 'pause/unpause', description: 'Pause or unpause the selected queue', views: ['queues'], footer: true, acts: true, match: (k) => k.input === 'p' },
  { command: 'purge-queue', keys: 'P', label: 'purge', description: 'Purge the selected queue: delete every job waiting in it (type its name to confirm)', views: ['queues'], footer: true, acts: true, match: (k) => k.input === 'P' },
  { command: 'retry-job', keys: 'r', label: 'retry', description: 'Retry the selected dead job (names it, asks first)', views: ['dead'], modes: ['list', 'detail'], footer: true, acts: true, match: (k) => k.input === 'r' },
  { command: 'run-now', keys: 'n', label: 'run now', description: 'Run the selected scheduled or retry job now (names it, asks first)', views: ['retry', 'scheduled'], modes: ['list', 'detail'], footer: true, acts: true, match: (k) => k.input === 'n' },
  { command: 'delete-job', keys: 'd', label: 'del', description: 'Delete the selected job (names it, asks first)', views: SET_VIEWS, modes: ['list', 'detail'], footer: true, acts: true, match: (k) => k.input === 'd' },
  { command: 'retry-all-dead', keys: 'R', label: 'retry all', description: 'Retry every dead job, or every match of a finished search (type the count)', views: ['dead'], footer: true, acts: true, match: (k) => k.input === 'R' },
  { command: 'delete-all-dead', keys: 'D', label: 'del all', description: 'Delete every dead job, or every match of a finished search (type the count)', views: ['dead'], footer: true, acts: true, match: (k) => k.input === 'D' },
  { command: 'run-matches', keys: 'R', label: 'run all', description: 'Run every match of a finished search now: move them to their queues (type the count)', views: ['retry', 'scheduled'], footer: true, acts: true, match: (k) => k.input === 'R' },
  { command: 'delete-matches', keys: 'D', label: 'del all', description: 'Delete every match of a finished search (type the count)', views: ['retry', 'scheduled'], footer: true, acts: true, match: (k) => k.input === 'D' },
  { command: 'delete-queued-job', keys: 'd', label: 'del', description: 'Delete the open queued job from its queue (names it, asks first)', views: ['queues'], modes: ['detail'], footer: true, acts: true, match: (k) => k.input === 'd' },
  // Not an action: the hint says why there is none (the job is not in its queue but running).
  { command: 'delete-running', keys: 'd', label: 'no del: running', description: 'A job in progress cannot be deleted: a worker is running it', views: ['workers'], modes: ['detail'], footer: true, match: (k) => k.input === 'd' },
];

export function appliesTo(binding: Binding, view: View, mode: Mode = 'list'): boolean {
  return (binding.views === undefined || binding.views.includes(view)) && (binding.modes ?? ['list']).includes(mode);
}

/** The binding a key press triggers in this view and mode, if any. */
export function resolveKey(key: KeyPress, view: View, mode: Mode = 'list'): Binding | undefined {
  return KEYMAP.find((binding) => appliesTo(binding, view, mode) && binding.match(key));
}

export function bindingFor(command: CommandId): Binding {
  return KEYMAP.find((b) => b.command === command)!;
}

const inFooter = (b: Binding, view: View) => (Array.isArray(b.footer) ? b.footer.includes(view) : b.footer === true);

/** Key hints for the footer; a read-only console leaves out the keys it refuses. */
export function footerBindings(view: View, mode: Mode = 'list', readOnly = false): Binding[] {
  if (mode !== 'list') return KEYMAP.filter((b) => appliesTo(b, view, mode) && (inFooter(b, view) || b.command === 'back') && !(readOnly && b.acts));
  return KEYMAP.filter((b) => inFooter(b, view) && appliesTo(b, view, mode) && !(readOnly && b.acts));
}
