// Text from Redis is data, never terminal markup. Anything that reaches a
// terminal from Redis (job names, args, errors, check-ins, hosts, queue names)
// passes through inert() first, so an ESC, a BEL or an overriding bidi mark
// is shown as an escape like `\x1b` and never acted on by the terminal.
//
// What is made visible:
// - C0 controls U+0000-U+001F and DEL U+007F (ESC starts CSI/OSC sequences,
//   BEL ends OSC, CR and BS overwrite what is on the line),
// - C1 controls U+0080-U+009F (U+009B is a one-character CSI, U+009D an OSC),
// - bidi controls U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069
//   (they reorder the text around them, so what is read is not what is stored),
// - line and paragraph separators U+2028, U+2029,
// - lone surrogates (half an emoji: nothing a terminal can draw).
//
// The result is for reading, not for round trips: a literal backslash is left
// as it is, so the text `\x1b` and a real ESC look alike. `--json` keeps the
// exact value.

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udfff]/gu;
const UNSAFE_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udfff]/gu;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function visible(char: string): string {
  const named = NAMED[char];
  if (named) return named;
  const code = char.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

export interface InertOptions {
  /** Keep line feeds as line breaks (the job detail view); every other control is still escaped. */
  multiline?: boolean;
}

/** The text with every control, escape and bidi override shown as a visible escape. Pure. */
export function inert(text: string, options: InertOptions = {}): string {
  return text.replace(options.multiline ? UNSAFE_BUT_NEWLINE : UNSAFE, visible);
}
