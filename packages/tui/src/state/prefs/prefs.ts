import type { Action } from '../actions.js';
import type { AppState } from '../app-state.js';

/**
 * What this user chose on this device for one server (persisted in the od config file, per server): rooms
 * muted (no count, no bell), members ignored (their messages hidden). Ids, not names, so a rename keeps the
 * choice.
 */
export interface Prefs {
  /**
   * Rooms hidden from the list by /part before parting was room membership on the server: still read and
   * kept so older config files stay valid, but no longer used (the list shows the rooms one is in).
   */
  hidden: string[];
  muted: string[];
  ignored: string[];
}

export const emptyPrefs = (): Prefs => ({ hidden: [], muted: [], ignored: [] });

export type PrefsList = keyof Prefs;

const set = (list: string[], id: string, on: boolean): string[] => (on ? (list.includes(id) ? list : [...list, id]) : list.filter((x) => x !== id));

export function prefsReducer(state: AppState, action: Action): AppState {
  switch (action.type) {
    case 'prefs/load':
      return { ...state, prefs: action.prefs };
    case 'prefs/look':
      return { ...state, look: action.look };
    case 'prefs/set': {
      const next = set(state.prefs[action.list], action.id, action.on);
      return next === state.prefs[action.list] ? state : { ...state, prefs: { ...state.prefs, [action.list]: next } };
    }
    default:
      return state;
  }
}

export const isMuted = (state: Pick<AppState, 'prefs'>, roomId: string) => state.prefs.muted.includes(roomId);
export const isIgnored = (state: Pick<AppState, 'prefs'>, userId: string) => state.prefs.ignored.includes(userId);

/**
 * Whose messages od hides: members ignored on this device and users blocked (the server keeps that list, so
 * every device hides them; it does not filter them out itself). null when no one's are.
 */
export function hiddenAuthors(state: Pick<AppState, 'prefs' | 'world'>): ((userId: string) => boolean) | null {
  const ignored = state.prefs.ignored;
  const blocked = state.world?.blocked ?? {};
  if (ignored.length === 0 && Object.keys(blocked).length === 0) return null;
  return (userId) => ignored.includes(userId) || Object.hasOwn(blocked, userId);
}
