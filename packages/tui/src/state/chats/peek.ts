import type { Action } from '../actions.js';
import type { AppState } from '../app-state.js';

/*
 * /peek: rooms this screen looks at without marking them read (for this session only). While a room is
 * peeked at, the history controller sends no read marker for it, so it stays unread everywhere.
 */

export function chatsReducer(state: AppState, action: Action): AppState {
  switch (action.type) {
    case 'chats/peek': {
      const on = state.peeking[action.roomId] === true;
      if (on === action.on) return state;
      const { [action.roomId]: _gone, ...rest } = state.peeking;
      return { ...state, peeking: action.on ? { ...state.peeking, [action.roomId]: true } : rest };
    }
    default:
      return state;
  }
}

export const isPeeking = (state: Pick<AppState, 'peeking'>, roomId: string): boolean => state.peeking[roomId] === true;
