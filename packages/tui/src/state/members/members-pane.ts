import type { ClientEvent } from '@open-discord/protocol';
import type { Action } from '../actions.js';
import type { AppState } from '../app-state.js';

/**
 * The member list of the room on screen: beside the chat on a wide terminal, over the messages on a narrow
 * one (as the thread pane). Who is in a text room is asked of the server (`room.members`); joins and leaves
 * of that room then keep it current, and presence, roles and status text come from the world as they change.
 */
export interface MembersPane {
  roomId: string;
  /** The room's members as the server answered; null while the answer is on its way. */
  userIds: readonly string[] | null;
  /** Why the list could not be loaded, if it could not. */
  error: string | null;
  /** Rows scrolled down from the top (Alt+PgDn/PgUp, or PgDn/PgUp while it covers the messages). */
  scroll: number;
}

/** Terminals narrower than this show the member list over the messages instead of beside them. */
export const MEMBERS_SIDE_MIN_COLS = 100;

/** Actions of the member list (prefix `members/`). */
export type MembersAction =
  | { type: 'members/open'; roomId: string }
  | { type: 'members/close' }
  | { type: 'members/loaded'; roomId: string; userIds: readonly string[] }
  | { type: 'members/failed'; roomId: string; error: string }
  /** Scroll the list by `lines` (positive: down), to no further than `max` rows from the top. */
  | { type: 'members/scroll'; lines: number; max: number };

export function membersReducer(state: AppState, action: Action): AppState {
  const pane = state.members;
  switch (action.type) {
    case 'members/open':
      if (!state.world?.rooms[action.roomId]) return state;
      // Asked again for the same room (after a reconnect): the list stays up until the answer replaces it.
      if (pane?.roomId === action.roomId) return pane.error ? { ...state, members: { ...pane, error: null } } : state;
      return { ...state, members: { roomId: action.roomId, userIds: null, error: null, scroll: 0 } };
    case 'members/close':
      return pane ? { ...state, members: null } : state;
    case 'members/loaded':
      // An answer about a room no longer shown is dropped (the list moved on to another room).
      if (pane?.roomId !== action.roomId) return state;
      return { ...state, members: { ...pane, userIds: [...new Set(action.userIds)], error: null } };
    case 'members/scroll':
      // Clamped here, not only when drawn: scrolling back up from past the end must move at once.
      return pane ? { ...state, members: { ...pane, scroll: Math.max(0, Math.min(action.max, pane.scroll + action.lines)) } } : state;
    case 'members/failed':
      return pane?.roomId === action.roomId ? { ...state, members: { ...pane, error: action.error } } : state;
    default:
      return state;
  }
}

/** A join or a leave of the listed room changes the list; every other event leaves it as it is. */
export function membersFollow(state: AppState, event: ClientEvent): AppState {
  const pane = state.members;
  if (!pane?.userIds || (event.type !== 'room.joined' && event.type !== 'room.left')) return state;
  const { roomId, userId } = event.data;
  if (roomId !== pane.roomId) return state;
  const has = pane.userIds.includes(userId);
  if (event.type === 'room.joined' && !has) return { ...state, members: { ...pane, userIds: [...pane.userIds, userId] } };
  if (event.type === 'room.left' && has) return { ...state, members: { ...pane, userIds: pane.userIds.filter((id) => id !== userId) } };
  return state;
}
