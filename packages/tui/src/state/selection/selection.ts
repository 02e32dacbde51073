import type { Message } from '@open-discord/protocol';
import type { Action } from '../actions.js';
import type { AppState } from '../app-state.js';
import { inputReducer } from '../input/reducer.js';
import { hiddenAuthors } from '../prefs/prefs.js';

/*
 * Keyboard message selection: a message of the room on screen is picked with the keys (Up on an empty input or
 * Alt+S, then j/k or the arrows), and the actions (edit, delete, react, copy) act on it, so no message id is
 * ever typed. Held by id, so events that add, edit or remove messages never leave it pointing at the wrong one:
 * a selected message that is gone (deleted, another room on screen) is simply no selection.
 */

/** The picked message; `keys` while selection mode has the keyboard (j/k/e/d/+/y), false once it is handed back. */
export interface Selection {
  roomId: string;
  messageId: string;
  keys: boolean;
}

/** A message being edited in the input line: Enter saves it (`message.edit`), Esc gives up. */
export interface Editing {
  roomId: string;
  messageId: string;
}

/** The messages selection moves over in the room on screen: the loaded ones, without ignored or blocked members'. */
export function selectable(state: Pick<AppState, 'world' | 'currentRoomId' | 'prefs'>): readonly Message[] {
  const roomId = state.currentRoomId;
  const list = roomId ? state.world?.messages[roomId] : undefined;
  if (!list || list.length === 0) return [];
  const hidden = hiddenAuthors(state);
  const me = state.world!.me.id;
  return hidden ? list.filter((m) => m.authorId === me || !hidden(m.authorId)) : list;
}

/** The selected message, if it is still there in the room on screen. */
export function selectedMessage(state: Pick<AppState, 'world' | 'currentRoomId' | 'prefs' | 'selection'>): Message | null {
  const sel = state.selection;
  if (!sel || sel.roomId !== state.currentRoomId) return null;
  return selectable(state).find((m) => m.id === sel.messageId) ?? null;
}

/** Does selection mode have the keyboard (its selected message still shown)? */
export const selecting = (state: Pick<AppState, 'world' | 'currentRoomId' | 'prefs' | 'selection'>): boolean =>
  state.selection?.keys === true && selectedMessage(state) !== null;

/**
 * What a command without a message id acts on: the selected message, else the newest one. With `own` (edits,
 * and deletes when nothing is selected) only a message of mine will do: a selected message of someone else's
 * gives way to my newest.
 */
export function targetMessage(state: Pick<AppState, 'world' | 'currentRoomId' | 'prefs' | 'selection'>, own = false): Message | null {
  const me = state.world?.me.id;
  const picked = selectedMessage(state);
  if (picked && (!own || picked.authorId === me)) return picked;
  const list = selectable(state);
  for (let i = list.length - 1; i >= 0; i--) if (!own || list[i]!.authorId === me) return list[i]!;
  return null;
}

export function selectionReducer(state: AppState, action: Action): AppState {
  switch (action.type) {
    case 'select/enter': {
      const roomId = state.currentRoomId;
      const list = selectable(state);
      if (!roomId || list.length === 0) return state;
      const me = state.world!.me.id;
      // Up on an empty input starts on my newest message (Up, e edits it: the irssi/WeeChat habit).
      const mine = action.start === 'own-last' ? [...list].reverse().find((m) => m.authorId === me) : undefined;
      const start = mine ?? list[list.length - 1]!;
      return { ...state, selection: { roomId, messageId: start.id, keys: true } };
    }
    case 'select/move': {
      const list = selectable(state);
      const cur = selectedMessage(state);
      if (!cur) return state.selection ? { ...state, selection: null } : state;
      const at = list.findIndex((m) => m.id === cur.id) + action.delta;
      // Past the newest message: back to the input line.
      if (at >= list.length) return { ...state, selection: null };
      const next = list[Math.max(0, at)]!;
      return next.id === cur.id ? state : { ...state, selection: { ...state.selection!, messageId: next.id } };
    }
    case 'select/hold':
      return state.selection ? { ...state, selection: { ...state.selection, keys: false } } : state;
    case 'select/leave':
      return state.selection ? { ...state, selection: null } : state;
    case 'select/edit': {
      const loaded = inputReducer(state, { type: 'input/set', text: action.text });
      return { ...loaded, selection: null, editing: { roomId: action.roomId, messageId: action.messageId } };
    }
    case 'select/edit-end': {
      if (!state.editing) return state;
      const cleared = action.clear ? inputReducer(state, { type: 'input/set', text: '' }) : state;
      return { ...cleared, editing: null };
    }
    default:
      return state;
  }
}
