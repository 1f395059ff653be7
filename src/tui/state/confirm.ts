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
      // A name not every keyboard types as shown (escapes, spaces, CJK, emoji) is confirmed with the word instead.
      return /^[\x21-\x7e]+$/.test(action.jobName) ? action.jobName : 'purge';
    default:
      return undefined;
  }
}

const name = (raw: string, width: number) => truncate(inert(raw), Math.max(8, width), 'middle');

/**
 * The first of the phrasings (each a head and a tail around a name) that
 * leaves the name 8 columns or more, the name cut in the middle to fit.
 */
function around(raw: string, width: number, phrasings: ReadonlyArray<readonly [string, string]>): string {
  const [head, tail] = phrasings.find(([h, t]) => width - textWidth(h + t) >= 8) ?? phrasings[phrasings.length - 1]!;
  return `${head}${name(raw, width - textWidth(head + tail))}${tail}`;
}

/** The question for the footer, cut to the width with the names shortened first. */
export function confirmMessage(action: ConfirmAction, width: number, typed = ''): string {
  switch (action.kind) {
    case 'retry-all-dead':
      return `Retry all ${action.count} dead jobs? (y/n)`;
    case 'delete-all-dead':
      return `Delete all ${action.count} dead jobs for good? (y/n)`;
    case 'retry-matches':
    case 'delete-matches': {
      // Dead jobs are retried; retry and scheduled ones are run now (moved to their queues ahead of time).
      const run = action.kind === 'retry-matches' && action.set !== 'dead';
      const verb = action.kind === 'delete-matches' ? 'Delete' : run ? 'Run' : 'Retry';
      const now = run ? ' now' : '';
      const n = action.count;
      return around(describeQuery(action.query), width, [
        [`${verb} the ${n} ${action.set} jobs matching `, `${now}? Type ${n}, Enter: ${typed}▏`],
        [`${verb} ${n} matching `, `${now}? Type ${n}: ${typed}▏`],
      ]);
    }
    case 'delete-queued': {
      if (action.id === '') return around(action.jobName, width, [[`Delete the undecodable entry queued in `, `? (y/n)`]]);
      const id = truncate(inert(action.id), 40, 'middle');
      const fixed = `Delete queued job  (${id})? (y/n)`;
      return `Delete queued job ${name(action.name, width - textWidth(fixed))} (${id})? (y/n)`;
    }
    case 'purge-queue': {
      const answer = typedAnswer(action) === 'purge' ? 'purge' : 'its name';
      return around(action.jobName, width, [
        [`Purge the ${action.count} jobs of `, ` for good? Type ${answer}, Enter: ${typed}▏`],
        [`Purge ${action.count} jobs of `, `? Type ${answer}: ${typed}▏`],
      ]);
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
