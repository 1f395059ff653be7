// What the help and an open job say, as lines for a given width. Pure, so
// the reducer can keep the scroll position inside the text and the views
// only draw what they are handed. Job text is made inert (detail.ts).
import { textWidth } from '../../support/fit.js';
import { appliesTo, KEYMAP } from '../keymap.js';
import { detailLines, field, type OverlayLine } from './detail.js';
import { frameOf } from './layout.js';
import { VIEW_TITLES, type TopState, type View } from './types.js';

export type { OverlayLine };
export { confirmMessage } from './confirm.js';
export { DETAIL_LIMIT, detailLines } from './detail.js';

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
    : 'Uppercase (Shift) keys act on many jobs at once (every dead job, or every match of a search); each action on jobs names them and asks first.';
  lines.push(...field('', `${tail} Esc closes.`, width, 0, true));
  return lines;
}

/** The lines of the help or the open job on screen, if one is open. */
export function overlayLines(state: TopState): OverlayLine[] | undefined {
  const { width } = frameOf(state.viewport);
  if (state.help) return helpLines(state.view, width, state.readOnly);
  if (state.detail) return detailLines(state.detail, Math.floor((state.snapshot?.at ?? 0) / 1000), width, state.snapshot?.pools);
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
