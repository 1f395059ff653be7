// Lossless editing of a job's top-level JSON object. Jobs are removed from
// Redis lists and sets by their exact bytes, and args may hold numbers JS
// cannot represent, so a retry or requeue must change only the fields it
// means to change and leave every other byte alone.
import { InvalidArgumentError } from '../errors.js';
import { goQuote } from './go-json.js';
import { scanTopLevelObject } from './json-text.js';

export interface TopLevelMember {
  key: string; // unescaped
  valueText: string; // the value's exact bytes
  start: number; // offset of the key's opening quote
  end: number; // just past the value
}

export type EditValue = string | number | boolean;

export interface TopLevelEdits {
  set?: Record<string, EditValue>;
  remove?: string[];
}

/** Members of the top-level object in order (duplicates included). Throws InvalidJobError on anything else. */
export function topLevelMembers(raw: string): TopLevelMember[] {
  return scanTopLevelObject(raw).map((m) => ({
    key: m.key,
    valueText: raw.slice(m.valueStart, m.end),
    start: m.start,
    end: m.end,
  }));
}

/**
 * Go matches JSON keys to struct fields without regard to case, using Unicode
 * simple folding: besides ASCII, "ſ" (U+017F) matches "s" and the Kelvin
 * sign (U+212A) matches "k". Our field names are ASCII, so this is enough.
 */
export function foldKey(key: string): string {
  return key.toLowerCase().replace(/\u017f/g, 's').replace(/\u212a/g, 'k');
}

function encodeEditValue(key: string, value: EditValue): string {
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  // Job fields are Go int64s; a fraction or exponent would make Go reject the job.
  if (!Number.isSafeInteger(value)) throw new InvalidArgumentError(`"${key}" must be an integer, got ${value}`);
  return String(value);
}

/**
 * Returns `raw` with the given top-level members set or removed and every
 * other byte unchanged. Keys match as Go matches them (case-insensitively).
 * `set` rewrites the value of the first matching member in place (its key
 * bytes stay) and drops later duplicates; missing keys are appended in the
 * order given. `remove` drops every matching member.
 */
export function editTopLevel(raw: string, edits: TopLevelEdits): string {
  const members = scanTopLevelObject(raw);
  const setByFold = new Map<string, { key: string; text: string }>();
  for (const [key, value] of Object.entries(edits.set ?? {})) {
    const fold = foldKey(key);
    if (setByFold.has(fold)) throw new InvalidArgumentError(`"${key}" is set twice`);
    setByFold.set(fold, { key, text: encodeEditValue(key, value) });
  }
  const removeFolds = new Set((edits.remove ?? []).map(foldKey));
  for (const fold of removeFolds) {
    if (setByFold.has(fold)) throw new InvalidArgumentError(`"${fold}" is both set and removed`);
  }

  const kept: Array<{ index: number; text: string }> = [];
  const placed = new Set<string>();
  members.forEach((m, index) => {
    const fold = foldKey(m.key);
    if (removeFolds.has(fold)) return;
    const replacement = setByFold.get(fold);
    if (replacement === undefined) {
      kept.push({ index, text: raw.slice(m.start, m.end) });
    } else if (!placed.has(fold)) {
      placed.add(fold);
      kept.push({ index, text: raw.slice(m.start, m.valueStart) + replacement.text });
    } // else a later duplicate: Go would let it win over the new value, so it goes
  });

  // head = "{" and what follows it up to the first member; tail = what follows
  // the last member, "}" included. Between two kept members goes the separator
  // that originally followed the first of them, so a call without edits gives
  // back `raw` and a removed member takes its own comma with it.
  const first = members[0];
  const last = members[members.length - 1];
  const open = raw.indexOf('{') + 1; // only whitespace can precede the brace
  const head = raw.slice(0, first === undefined ? open : first.start);
  const tail = raw.slice(last === undefined ? open : last.end);
  let body = head;
  kept.forEach((k, n) => {
    if (n > 0) {
      const prev = kept[n - 1]!.index;
      body += raw.slice(members[prev]!.end, members[prev + 1]!.start);
    }
    body += k.text;
  });
  const appended: string[] = [];
  for (const [fold, { key, text }] of setByFold) {
    if (!placed.has(fold)) appended.push(`${goQuote(key)}:${text}`);
  }
  if (appended.length > 0) body += (kept.length > 0 ? ',' : '') + appended.join(',');
  return body + tail;
}
