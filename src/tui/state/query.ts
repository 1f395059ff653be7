// What the search prompt's text asks for. Pure.
//
//   timeout                      any text: name, ID, last error or args
//   name:send_email              the job name, exactly (one word)
//   error:421 try later          the last error holds "421 try later"
//   name:send_email error:quota  both at once (and any words before them)
//
// `error:` takes the words after it up to the next `name:`; quotes keep
// spaces ("a  b") and let a word start with a colon. `job:` and `err:` are
// accepted for `name:` and `error:`.
import type { JobQuery } from '../../engine/client/client.js';

/**
 * Words of the prompt, quotes removed: `"a b"` is one word, never read as
 * `name:`/`error:` (it is `quoted`); `error:"a b"` is the key with the
 * quoted value.
 */
function words(input: string): Array<{ text: string; quoted: boolean }> {
  const out: Array<{ text: string; quoted: boolean }> = [];
  const re = /([^\s"]*)"([^"]*)"?|(\S+)/g;
  for (let m = re.exec(input); m !== null; m = re.exec(input)) {
    if (m[2] !== undefined) out.push({ text: m[1]! + m[2], quoted: m[1] === '' });
    else out.push({ text: m[3]!, quoted: false });
  }
  return out;
}

const NAME = /^(?:name|job):/i;
const ERROR = /^(?:error|err):/i;

export function parseSearch(input: string): JobQuery {
  const text: string[] = [];
  const error: string[] = [];
  let jobName: string | undefined;
  let inError = false;
  for (const word of words(input)) {
    if (!word.quoted && NAME.test(word.text)) {
      jobName = word.text.slice(word.text.indexOf(':') + 1);
      inError = false;
      continue;
    }
    if (!word.quoted && ERROR.test(word.text)) {
      inError = true;
      const rest = word.text.slice(word.text.indexOf(':') + 1);
      if (rest !== '') error.push(rest);
      continue;
    }
    (inError ? error : text).push(word.text);
  }
  const query: JobQuery = {};
  if (jobName) query.jobName = jobName;
  if (error.length > 0) query.errorMatch = error.join(' ');
  if (text.length > 0) query.text = text.join(' ');
  return query;
}

/** The query as the prompt would write it, for status lines. */
export function describeQuery(query: JobQuery): string {
  // Quotes inside a value cannot be written back; everything else round-trips through parseSearch.
  const quote = (s: string) => (/\s/.test(s) || s === '' ? `"${s.replace(/"/g, '')}"` : s);
  return [query.text !== undefined ? quote(query.text) : '', query.jobName !== undefined ? `name:${quote(query.jobName)}` : '', query.errorMatch !== undefined ? `error:${quote(query.errorMatch)}` : '']
    .filter(Boolean)
    .join(' ');
}
