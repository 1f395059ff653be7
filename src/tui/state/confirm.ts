// The questions an acting key asks before it changes anything. Each names
// what `y` touches; the bulk ones and a purge want their answer typed (the
// count of jobs, the queue's name), so a stray key cannot set them off.
// Pure.
import { textWidth, truncate } from '../../support/fit.js';
import { inert } from '../../support/inert.js';
import { describeQuery } from './query.js';
import type { ConfirmAction } from './types.js';

/** What must be typed (then Enter) to go ahead, or undefined for a y/n question. */
export function typedAnswer(action: ConfirmAction): string | undefined {
  switch (action.kind) {
    case 'retry-matches':
    case 'delete-matches':
      return String(action.count);
    case 'purge-queue':
      // A name that cannot be typed as shown (escapes, spaces at its ends) is confirmed with the word instead.
      return inert(action.jobName) === action.jobName && action.jobName.trim() === action.jobName && action.jobName !== '' ? action.jobName : 'purge';
    default:
      return undefined;
  }
}

const name = (raw: string, width: number) => truncate(inert(raw), Math.max(8, width), 'middle');

/** The question for the footer, cut to the width with the names shortened first. */
export function confirmMessage(action: ConfirmAction, width: number, typed = ''): string {
  switch (action.kind) {
    case 'retry-all-dead':
      return `Retry all ${action.count} dead jobs? (y/n)`;
    case 'delete-all-dead':
      return `Delete all ${action.count} dead jobs for good? (y/n)`;
    case 'retry-matches':
    case 'delete-matches': {
      const verb = action.kind === 'retry-matches' ? 'Retry' : 'Delete';
      const tail = `? Type ${action.count}, Enter: ${typed}▏`;
      const what = describeQuery(action.query);
      const fixed = `${verb} the ${action.count} dead jobs matching ${tail}`;
      return `${verb} the ${action.count} dead jobs matching ${name(what, width - textWidth(fixed))}${tail}`;
    }
    case 'purge-queue': {
      const answer = typedAnswer(action)!;
      const tail = ` for good? Type ${answer === 'purge' ? 'purge' : 'its name'}, Enter: ${typed}▏`;
      const fixed = `Purge the ${action.count} jobs of ${tail}`;
      return `Purge the ${action.count} jobs of ${name(action.jobName, width - textWidth(fixed))}${tail}`;
    }
    case 'retry-job':
    case 'delete-job':
    case 'run-now': {
      const verb = action.kind === 'retry-job' ? 'Retry dead job' : action.kind === 'run-now' ? `Run ${action.set} job` : `Delete ${action.set} job`;
      const id = truncate(inert(action.id), 40, 'middle');
      const now = action.kind === 'run-now' ? ' now' : '';
      const fixed = `${verb}  (${id})${now}? (y/n)`;
      return `${verb} ${name(action.name, width - textWidth(fixed))} (${id})${now}? (y/n)`;
    }
  }
}
