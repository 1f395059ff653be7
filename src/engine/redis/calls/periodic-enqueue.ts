// periodic-enqueue-2.lua: schedule upcoming occurrences of periodic jobs.
import { asNumber, type ScriptCall } from '../script-call.js';

/** Resolves to the number of occurrences newly scheduled. */
export function periodicEnqueueCall(
  scheduled: string,
  lastPeriodicEnqueue: string,
  now: number,
  occurrences: ReadonlyArray<{ score: number; member: string }>,
): ScriptCall<number> {
  const args: Array<string | number> = [now];
  for (const { score, member } of occurrences) args.push(score, member);
  return { script: 'periodic-enqueue-2', keys: [scheduled, lastPeriodicEnqueue], args, replyAs: 'text', parse: asNumber };
}
