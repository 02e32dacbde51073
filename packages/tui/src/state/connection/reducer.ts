import type { Action } from '../actions.js';
import type { AppState } from '../app-state.js';

/** The client's connection status and the lag probe shown beside it. */
export function connectionReducer(state: AppState, action: Action): AppState {
  switch (action.type) {
    case 'status':
      // A figure from a connection that is gone says nothing about the next one.
      return { ...state, status: action.status, lag: action.status.state === 'live' ? state.lag : null };
    case 'lag':
      return state.status.state === 'live' ? { ...state, lag: { ms: action.ms, at: action.at } } : state;
    default:
      return state;
  }
}
