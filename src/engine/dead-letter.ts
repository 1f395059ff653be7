// What goes into the dead set for queue entries that are not valid jobs. gocraft
// leaves them stuck in in-progress forever with their lock count; we file them
// as dead jobs with a clear error and keep the original bytes for inspection.
import { goQuote } from './go-json.js';
import { makeId } from './ids.js';
import { markFailed } from './job.js';

/**
 * A dead-set member for `raw`: if it is a JSON object its bytes are kept and
 * the failure fields are set; otherwise a new job of `fallbackName` carries the
 * original bytes in a "raw" field (Go ignores unknown fields).
 */
export function deadLetterBytes(raw: string, fallbackName: string, error: string, now: number): string {
  try {
    const edited = markFailed(raw, 1, error, now);
    if (/"name"\s*:\s*"[^"]/.test(edited)) return edited;
  } catch {
    // not an object: wrapped below
  }
  return (
    `{"name":${goQuote(fallbackName)},"id":${goQuote(makeId())},"t":${now},"args":null,` +
    `"fails":1,"err":${goQuote(error)},"failed_at":${now},"raw":${goQuote(raw)}}`
  );
}
