import type { Action } from './actions.js';
import { reducer } from './reducer.js';
import type { AppState } from './app-state.js';

export type Listener = (next: AppState, prev: AppState) => void;

/** The smallest store that fits: a pure reducer behind dispatch, and listeners (React and the net glue). */
export interface Store {
  getState(): AppState;
  dispatch(action: Action): void;
  subscribe(listener: Listener): () => void;
}

export function createStore(initial: AppState): Store {
  let state = initial;
  const listeners = new Set<Listener>();
  return {
    getState: () => state,
    dispatch(action) {
      const prev = state;
      state = reducer(state, action);
      if (state === prev) return;
      for (const l of [...listeners]) l(state, prev);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
