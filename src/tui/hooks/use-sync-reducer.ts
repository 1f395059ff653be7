// useReducer whose current state can be read synchronously. Keys typed in
// quick succession ("/b", "jp", "dy") arrive before React re-renders; the
// input handler must see the state the previous key produced, not the state
// of the last render.
import { useCallback, useReducer, useRef } from 'react';

export function useSyncReducer<S, A>(reducer: (state: S, action: A) => S, init: () => S): [S, (action: A) => void, () => S] {
  const ref = useRef<S | undefined>(undefined);
  if (ref.current === undefined) ref.current = init();
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const dispatch = useCallback(
    (action: A) => {
      const next = reducer(ref.current as S, action);
      if (next !== ref.current) {
        ref.current = next;
        rerender();
      }
    },
    [reducer],
  );
  const getState = useCallback(() => ref.current as S, []);
  return [ref.current, dispatch, getState];
}
