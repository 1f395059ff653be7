// Fitting text into terminal columns, measured as the terminal draws it: a CJK
// character or an emoji takes two columns, a combining mark none. Everything
// here counts columns (string-width, the measure Ink uses), never `.length`,
// and cuts between grapheme clusters, never inside one. Pure.
import stringWidth from 'string-width';

export type Cut = 'end' | 'middle';
export type Align = 'left' | 'right';

export const ELLIPSIS = '…';

const segmenter = new Intl.Segmenter();

/** Columns the text takes on a terminal. */
export function textWidth(text: string): number {
  return stringWidth(text);
}

interface Piece {
  text: string;
  width: number;
  /** The piece is all of the text it was cut from. */
  whole: boolean;
}

function headOf(text: string, budget: number): Piece {
  let width = 0;
  let end = 0;
  for (const { segment, index } of segmenter.segment(text)) {
    const w = stringWidth(segment);
    if (width + w > budget) return { text: text.slice(0, index), width, whole: false };
    width += w;
    end = index + segment.length;
  }
  return { text: text.slice(0, end), width, whole: true };
}

function tailOf(text: string, budget: number): Piece {
  const segments = segmenter.segment(text);
  let width = 0;
  let start = text.length;
  while (start > 0) {
    const found = segments.containing(start - 1);
    if (!found) break;
    const w = stringWidth(found.segment);
    if (width + w > budget) return { text: text.slice(start), width, whole: false };
    width += w;
    start = found.index;
  }
  return { text: text.slice(start), width, whole: true };
}

/**
 * The longest prefix (or suffix) that fits `budget` columns. Segmenting a
 * text costs its whole length up front, so a window of it is cut first and
 * widened only when the window fits whole (a text of zero-width marks): a
 * megabyte-long error costs what fits, not its length.
 */
function piece(text: string, budget: number, from: 'head' | 'tail'): Piece {
  for (let size = 4 * budget + 16; ; size *= 4) {
    if (size >= text.length) return from === 'head' ? headOf(text, budget) : tailOf(text, budget);
    const window = from === 'head' ? text.slice(0, size) : text.slice(text.length - size);
    const cut = from === 'head' ? headOf(window, budget) : tailOf(window, budget);
    if (!cut.whole) return cut;
  }
}

function head(text: string, budget: number): Piece {
  return piece(text, budget, 'head');
}

function firstCluster(text: string): string {
  for (const { segment } of segmenter.segment(text.slice(0, 64))) return segment;
  return '';
}

/**
 * The text cut to at most `width` columns, with `…` where it was cut. `middle`
 * keeps both ends, so names that share a long prefix (or suffix) stay apart.
 */
export function truncate(text: string, width: number, cut: Cut = 'end'): string {
  if (width <= 0) return '';
  const all = head(text, width);
  if (all.whole) return text;
  if (width === 1) return ELLIPSIS;
  const room = width - 1;
  if (cut === 'end') return head(text, room).text + ELLIPSIS;
  const front = head(text, Math.ceil(room / 2));
  return front.text + ELLIPSIS + piece(text, room - front.width, 'tail').text;
}

/** Pads (never cuts) to `width` columns. */
export function pad(text: string, width: number, align: Align = 'left'): string {
  const fill = ' '.repeat(Math.max(0, width - textWidth(text)));
  return align === 'right' ? fill + text : text + fill;
}

/** Exactly `width` columns: cut if longer, padded if shorter. */
export function fit(text: string, width: number, align: Align = 'left', cut: Cut = 'end'): string {
  return pad(truncate(text, width, cut), width, align);
}

/**
 * A long value shortened before the steps that cost its whole length
 * (escaping, measuring): a cell never shows more than its width, so a
 * megabyte of args costs no more to draw than a short string. Both ends are
 * kept for a middle cut.
 */
export function clipForWidth(text: string, width: number, cut: Cut = 'end'): string {
  const keep = 4 * Math.max(1, width) + 16;
  if (text.length <= 2 * keep) return text;
  return cut === 'end' ? text.slice(0, 2 * keep) : text.slice(0, keep) + text.slice(-keep);
}

/**
 * Lines of at most `width` columns: each line of the text is broken at the
 * last space that fits, or mid-word when a word is longer than a line.
 */
export function wrap(text: string, width: number): string[] {
  const size = Math.max(1, width);
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let rest = paragraph;
    for (;;) {
      const fits = head(rest, size);
      if (fits.whole) {
        lines.push(rest);
        break;
      }
      const space = fits.text.lastIndexOf(' ');
      // A cluster wider than the line still goes somewhere: alone on its line.
      const cut = space > 0 ? space : fits.text.length || firstCluster(rest).length;
      lines.push(rest.slice(0, cut).trimEnd());
      rest = rest.slice(cut).replace(/^ +/, '');
      if (rest === '') break;
    }
  }
  return lines;
}
