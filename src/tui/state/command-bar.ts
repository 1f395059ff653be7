// What a line typed after `:` asks for. Pure.
//
//   :dead  :retry  :scheduled  :queues  :pools  :workers  :stats  :overview
//   :dead TEXT          the dead view, searching for TEXT (as / does)
//   :search TEXT        search the set on screen
//   :queue NAME         the jobs waiting in one queue
//   :job ID             find a job wherever it is and open it
//   :context NAME       switch to a named context of the config file
//   :help  :q
import { isSetView, VIEWS, type SetView, type View } from './types.js';

export type BarCommand =
  | { type: 'view'; view: View; search?: string }
  | { type: 'search'; text: string }
  | { type: 'queue'; jobName: string }
  | { type: 'job'; id: string }
  | { type: 'context'; name: string }
  | { type: 'help' }
  | { type: 'quit' }
  | { type: 'error'; message: string };

export const BAR_COMMANDS = [...VIEWS, 'search', 'queue', 'job', 'context', 'help', 'quit'] as const;

export function parseCommand(line: string, current: View): BarCommand {
  const trimmed = line.trim();
  const space = trimmed.search(/\s/);
  const word = (space === -1 ? trimmed : trimmed.slice(0, space)).toLowerCase();
  const rest = space === -1 ? '' : trimmed.slice(space + 1).trim();
  if (word === '') return { type: 'error', message: 'type a command: :dead, :queue NAME, :job ID, :search TEXT, :context NAME (:help lists the keys)' };
  if (word === 'q' || word === 'quit') return { type: 'quit' };
  if (word === 'help' || word === '?') return { type: 'help' };
  const view = (VIEWS as readonly string[]).includes(word) ? (word as View) : undefined;
  if (view) {
    if (rest === '') return { type: 'view', view };
    return isSetView(view) ? { type: 'view', view, search: rest } : { type: 'error', message: `:${view} takes no text (search works in retry, scheduled and dead)` };
  }
  const needs = (what: string) => ({ type: 'error' as const, message: `:${word} needs ${what}` });
  switch (word) {
    case 'search':
      if (rest === '') return needs('a text');
      return isSetView(current) ? { type: 'search', text: rest } : { type: 'view', view: 'dead' satisfies SetView, search: rest };
    case 'queue':
      return rest === '' ? needs("a queue's name") : { type: 'queue', jobName: rest };
    case 'job':
      return rest === '' ? needs("a job's ID") : { type: 'job', id: rest };
    case 'context':
      return rest === '' ? needs("a context's name (work contexts lists them)") : { type: 'context', name: rest };
    default: {
      const near = BAR_COMMANDS.filter((c) => c.startsWith(word));
      return { type: 'error', message: `unknown command :${word}${near.length === 1 ? ` (did you mean :${near[0]}?)` : ''}` };
    }
  }
}
