import { sanitizeDisplay } from '../../text/sanitize.js';
import type { Action } from '../actions.js';
import type { AppState } from '../app-state.js';
import { roomLabelOf } from '../rooms/selectors.js';

export interface Flash {
  kind: 'info' | 'error';
  text: string;
}

/** The notice line. Its text may quote the server or other people: cleaned of terminal controls. */
export function notice(state: AppState, kind: Flash['kind'], text: string): AppState {
  return { ...state, flash: { kind, text: sanitizeDisplay(text) } };
}

export function noticesReducer(state: AppState, action: Action): AppState {
  switch (action.type) {
    case 'flash':
      return notice(state, action.kind, action.text);
    case 'flash/clear':
      return state.flash ? { ...state, flash: null } : state;
    default:
      return state;
  }
}

/** The text of the newest mention notification: "alice in #dev: are you there?". */
export function mentionNotice(state: AppState): string | null {
  const m = state.lastMention;
  const world = state.world;
  if (!m || !world) return null;
  const room = world.rooms[m.roomId];
  const where = room ? ` in #${roomLabelOf(world, room)}` : '';
  return `${world.users[m.authorId]?.nickname ?? world.formerUsers[m.authorId]?.nickname ?? 'someone'}${where}: ${m.text}`;
}
