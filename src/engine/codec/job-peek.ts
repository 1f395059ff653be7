// Reading a job's name without trusting it: for name filters over large
// sets, where most members are rejected before they are decoded in full.
// Pure.
import { decodeJob, type Job } from './job.js';
import { foldKey, topLevelMembers } from './json-members.js';
import { unquoteJsonText } from './json-text.js';

/** The member's job if it decodes to a job with a name; undefined otherwise. */
export function jobOfMember(raw: string): Job | undefined {
  try {
    const job = decodeJob(raw);
    return job.name === '' ? undefined : job;
  } catch {
    return undefined;
  }
}

/** The member's job name if it decodes to a job with a name; undefined otherwise. */
export function nameOfMember(raw: string): string | undefined {
  return jobOfMember(raw)?.name;
}

/**
 * The "name" field as decodeJob would read it (last non-null member, keys
 * folded), without building the args; undefined if it is not a string.
 */
function nameField(raw: string): string | undefined {
  let name: string | undefined;
  for (const { key, valueText } of topLevelMembers(raw)) {
    if (foldKey(key) !== 'name' || valueText === 'null') continue;
    name = unquoteJsonText(valueText);
    if (name === undefined) return undefined;
  }
  return name;
}

/**
 * Whether the member is a decodable job named `name`, for name filters over
 * large sets. Two cheap rejections come first: a member holding the name
 * must contain it literally unless it uses an escape, and its name field
 * alone must match; only then is the whole job decoded (exactly the test
 * a move to queues applies, so a member judged "named" is never left
 * behind as undecodable).
 */
export function isNamed(raw: string, name: string): boolean {
  if (!raw.includes(name) && !raw.includes('\\')) return false;
  try {
    if (nameField(raw) !== name) return false;
  } catch {
    return false;
  }
  return nameOfMember(raw) === name;
}
