// What the help, an open job and a question say, as lines for a given width.
// Pure, so the reducer can keep the scroll position inside the text and the
// views only draw what they are handed. Job text is made inert here.
import type { JobEntry } from '../../engine/client/client.js';
import { formatAge } from '../../support/format.js';
import { textWidth, truncate, wrap } from '../../support/fit.js';
import { inert } from '../../support/inert.js';
import { appliesTo, KEYMAP } from '../keymap.js';
import { frameOf } from './layout.js';
import { isSetView, VIEW_TITLES, type ConfirmAction, type SetView, type TopState, type View } from './types.js';

export interface OverlayLine {
  /** Bold, at the start of the line (already padded). */
  label: string;
  text: string;
  dim?: boolean;
}

/** A value longer than this is shown up to here in the job view (the whole job: `work <set> --json`). */
export const DETAIL_LIMIT = 16_384;

/** `label` on the first line of `text`, the rest of it wrapped under `text`'s column. */
function field(label: string, text: string, width: number, labelWidth: number, dim = false): OverlayLine[] {
  const room = Math.max(10, width - labelWidth);
  return wrap(text, room).map((line, i) => ({ label: (i === 0 ? label : '').padEnd(labelWidth), text: line, dim }));
}

/** Every key, from the keymap, reflowed to the width. */
export function helpLines(view: View, width: number, readOnly: boolean): OverlayLine[] {
  const keysWidth = Math.min(12, Math.max(...KEYMAP.map((b) => textWidth(b.keys))) + 2);
  const lines: OverlayLine[] = [{ label: `Keys (${VIEW_TITLES[view]} view)`, text: '' }];
  for (const b of KEYMAP) {
    const elsewhere = !appliesTo(b, view) && b.views ? ` (in ${b.views.join(', ')})` : '';
    const off = readOnly && b.acts ? ' (off: read-only)' : '';
    lines.push(...field(b.keys, `${b.description}${elsewhere}${off}`, width, keysWidth, elsewhere !== '' || off !== ''));
  }
  const tail = readOnly
    ? 'This console is read-only (--read-only or WORK_READ_ONLY=1): keys that change Redis are off.'
    : 'Uppercase (Shift) keys act on every dead job; each action on jobs names them and asks first.';
  lines.push(...field('', `${tail} Esc closes.`, width, 0, true));
  return lines;
}

const WHEN: Record<SetView, string> = { dead: 'Died', retry: 'Retry at', scheduled: 'Runs at' };

function when(set: SetView, score: number, nowSeconds: number): string {
  const at = Number.isFinite(score) ? new Date(score * 1000).toISOString() : String(score);
  return `${at} (${set === 'dead' ? `${formatAge(nowSeconds - score)} ago` : `in ${formatAge(score - nowSeconds)}`})`;
}

/** A long value up to DETAIL_LIMIT characters, saying how much is left out. */
function capped(text: string): string {
  if (text.length <= DETAIL_LIMIT) return text;
  return `${text.slice(0, DETAIL_LIMIT)}\n… ${text.length - DETAIL_LIMIT} more characters (the whole job: --json)`;
}

function argsText(args: unknown): string {
  try {
    return JSON.stringify(args, null, 2) ?? 'null';
  } catch {
    return String(args);
  }
}

/** The open job: every field, the whole last error and the args, wrapped (line feeds kept, all else inert). */
export function detailLines(job: JobEntry, set: SetView, nowSeconds: number, width: number): OverlayLine[] {
  const show = (text: string) => inert(capped(text), { multiline: true });
  const L = 12;
  if (job.invalid) {
    return [...field('Invalid', show(job.invalid), width, L), ...field(WHEN[set], when(set, job.score, nowSeconds), width, L), ...field('Raw', show(String(job.raw)), width, L)];
  }
  return [
    ...field('Job', `${show(job.name)} (${set})`, width, L),
    ...field('ID', show(job.id), width, L),
    ...field(WHEN[set], when(set, job.score, nowSeconds), width, L),
    ...field('Enqueued', Number.isFinite(job.enqueuedAt) ? new Date(job.enqueuedAt * 1000).toISOString() : String(job.enqueuedAt), width, L),
    ...field('Fails', String(job.fails), width, L),
    ...(job.failedAt ? field('Failed at', new Date(job.failedAt * 1000).toISOString(), width, L) : []),
    ...field('Last error', show(job.lastError ?? ''), width, L),
    ...field('Args', show(argsText(job.args)), width, L),
  ];
}

/** The lines of the help or the open job on screen, if one is open. */
export function overlayLines(state: TopState): OverlayLine[] | undefined {
  const { width } = frameOf(state.viewport);
  if (state.help) return helpLines(state.view, width, state.readOnly);
  if (state.detail && isSetView(state.view)) return detailLines(state.detail, state.view, Math.floor((state.snapshot?.at ?? 0) / 1000), width);
  return undefined;
}

/** Lines of text the overlay has room for, leaving one for "lines a-b of n" when it does not all fit. */
export function overlayRoom(state: TopState, total: number): number {
  const { bodyHeight } = frameOf(state.viewport);
  return total <= bodyHeight ? bodyHeight : bodyHeight - 1;
}

/** The highest first line worth scrolling to. */
export function maxScroll(state: TopState): number {
  const lines = overlayLines(state);
  if (!lines) return 0;
  return Math.max(0, lines.length - overlayRoom(state, lines.length));
}

/**
 * The question for the footer, naming what `y` touches: one job by name and
 * ID (the name cut in the middle to fit), or how many for a bulk action.
 */
export function confirmMessage(action: ConfirmAction, width: number): string {
  switch (action.kind) {
    case 'retry-all-dead':
      return `Retry all ${action.count} dead jobs? (y/n)`;
    case 'delete-all-dead':
      return `Delete all ${action.count} dead jobs for good? (y/n)`;
    case 'retry-job':
    case 'delete-job': {
      const verb = action.kind === 'retry-job' ? 'Retry dead job' : `Delete ${action.set} job`;
      const id = truncate(inert(action.id), 40, 'middle');
      const fixed = `${verb}  (${id})? (y/n)`;
      const name = truncate(inert(action.name), Math.max(8, width - textWidth(fixed)), 'middle');
      return `${verb} ${name} (${id})? (y/n)`;
    }
  }
}
