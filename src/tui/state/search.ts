// The search of a whole set as state: started from the prompt, grown by the
// steps the search hook reports, stopped by Esc, cleared by a second Esc.
// Only the first MAX_KEPT_MATCHES matches are kept to show; every match is
// counted. Pure.
import type { JobEntry } from '../../engine/client/client.js';
import { parseSearch } from './query.js';
import type { SearchState, SetView, TopState } from './types.js';

/** Matches kept to show and act on one by one; a bulk action on matches walks the set again, so it is not bound by this. */
export const MAX_KEPT_MATCHES = 5000;

export type SearchAction =
  | { type: 'search-start'; set: SetView; input: string }
  | { type: 'search-progress'; id: number; done: number; total: number; matches: readonly JobEntry[] }
  | { type: 'search-end'; id: number; error?: string }
  | { type: 'search-stop' }
  | { type: 'search-clear' };

export function searchReducer(state: TopState, action: SearchAction): TopState {
  const search = state.search;
  switch (action.type) {
    case 'search-start': {
      const next: SearchState = {
        id: (search?.id ?? 0) + 1,
        set: action.set,
        input: action.input,
        query: parseSearch(action.input),
        status: 'running',
        done: 0,
        total: state.snapshot?.counts[action.set] ?? 0,
        matches: [],
        matchCount: 0,
      };
      return { ...state, search: next, selected: { ...state.selected, [action.set]: 0 } };
    }
    case 'search-progress': {
      if (!search || search.id !== action.id || search.status !== 'running') return state;
      const room = MAX_KEPT_MATCHES - search.matches.length;
      const matches = room > 0 && action.matches.length > 0 ? [...search.matches, ...action.matches.slice(0, room)] : search.matches;
      return { ...state, search: { ...search, done: action.done, total: action.total, matches, matchCount: search.matchCount + action.matches.length } };
    }
    case 'search-end': {
      if (!search || search.id !== action.id || search.status !== 'running') return state;
      return { ...state, search: { ...search, status: action.error === undefined ? 'done' : 'failed', ...(action.error !== undefined ? { error: action.error } : {}) } };
    }
    case 'search-stop':
      return search?.status === 'running' ? { ...state, search: { ...search, status: 'stopped' } } : state;
    case 'search-clear':
      return search ? { ...state, search: undefined, selected: { ...state.selected, [search.set]: 0 } } : state;
  }
}

/** The search of this set, if one is on screen there. */
export function searchOf(state: Pick<TopState, 'search'>, set: SetView): SearchState | undefined {
  return state.search?.set === set ? state.search : undefined;
}

/** One line on how far a search got: "searched 45,000 of 200,000 (22%) · 12 matches". */
export function searchLine(search: SearchState): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const pct = search.total > 0 ? Math.min(100, Math.floor((search.done / search.total) * 100)) : 100;
  const found = `${n(search.matchCount)} match${search.matchCount === 1 ? '' : 'es'}${search.matchCount > search.matches.length ? ` (first ${n(search.matches.length)} shown)` : ''}`;
  switch (search.status) {
    case 'running':
      return `searching ${n(search.done)} of ${n(search.total)} (${pct}%) · ${found} · Esc stops`;
    case 'stopped':
      return `stopped at ${n(search.done)} of ${n(search.total)} (${pct}%) · ${found} · / runs it again, Esc clears`;
    case 'failed':
      return `search failed at ${n(search.done)} of ${n(search.total)}: ${search.error ?? ''} · Esc clears`;
    case 'done':
      return `searched all ${n(search.done)} · ${found} · Esc clears`;
  }
}
