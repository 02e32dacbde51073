import { sanitizeDisplay } from '../../text/sanitize.js';
import type { Action } from '../actions.js';
import type { AppState } from '../app-state.js';
import { roomLabelOf } from '../rooms/selectors.js';

/**
 * The one-line notice under the messages. It belongs to the room it is about (a `/topic: done` or a
 * `no room "#staff"` said in #dev is not news in #general), and it fades: the screen sends `notice/expire`
 * for its id when NOTICE_TTL_MS has passed, so the reducer stays pure and tests need no clock at all.
 */
export interface Flash {
  /** Increases with every notice, so an expiry timer can only clear the notice it was started for. */
  id: number;
  kind: 'info' | 'error';
  text: string;
  /** The room it is about (null: the whole server, shown everywhere). */
  roomId: string | null;
}

/** How long a notice stays; errors longer, they may need reading twice. */
export const NOTICE_TTL_MS: Readonly<Record<Flash['kind'], number>> = { info: 6_000, error: 12_000 };

/**
 * Set the notice line, about `roomId` (by default the room on screen). Its text may quote the server or other
 * people: cleaned of terminal controls.
 */
export function notice(state: AppState, kind: Flash['kind'], text: string, roomId: string | null = state.currentRoomId): AppState {
  const id = (state.flash?.id ?? 0) + 1;
  return { ...state, flash: { id, kind, text: sanitizeDisplay(text).replace(/\n/g, ' '), roomId } };
}

/** The notice to show in the room on screen, if any. */
export function shownNotice(state: Pick<AppState, 'flash' | 'currentRoomId'>): Flash | null {
  const f = state.flash;
  return f && (f.roomId === null || f.roomId === state.currentRoomId) ? f : null;
}

export function noticesReducer(state: AppState, action: Action): AppState {
  switch (action.type) {
    case 'flash':
      return notice(state, action.kind, action.text, action.roomId === undefined ? state.currentRoomId : action.roomId);
    case 'flash/clear':
      return state.flash ? { ...state, flash: null } : state;
    case 'flash/greet':
      return { ...state, greeting: true };
    case 'flash/expire':
      return state.flash?.id === action.id ? { ...state, flash: null } : state;
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
