// What goes into the dead set for queue entries that are not valid jobs. gocraft
// leaves them stuck in in-progress forever with their lock count; we file them
// as dead jobs with a clear error and keep the original bytes for inspection.
import { goQuote } from './go-json.js';
import { makeId } from './ids.js';
import { markFailed } from './job.js';
import { editTopLevel } from './json-members.js';
import { textOf, type RedisBytes } from './redis-bytes.js';

/**
 * A dead-set member for `raw`: if it is a JSON object naming its job its
 * bytes are kept and the failure fields are set; otherwise a new job of
 * `fallbackName` carries the original text in a "raw" field (Go ignores
 * unknown fields). Bytes that are not UTF-8 are read as Go reads them (each
 * bad sequence as U+FFFD), and their exact bytes go in "raw_base64", so
 * nothing the producer wrote is lost.
 */
export function deadLetterBytes(raw: RedisBytes, fallbackName: string, error: string, now: number): string {
  const text = textOf(raw);
  const exact = typeof raw === 'string' ? undefined : raw.toString('base64');
  try {
    const edited = markFailed(text, 1, error, now);
    if (/"name"\s*:\s*"[^"]/.test(edited)) return exact === undefined ? edited : editTopLevel(edited, { set: { raw_base64: exact } });
  } catch {
    // not an object: wrapped below
  }
  return (
    `{"name":${goQuote(fallbackName)},"id":${goQuote(makeId())},"t":${now},"args":null,` +
    `"fails":1,"err":${goQuote(error)},"failed_at":${now},"raw":${goQuote(text)}` +
    `${exact === undefined ? '' : `,"raw_base64":${goQuote(exact)}`}}`
  );
}
