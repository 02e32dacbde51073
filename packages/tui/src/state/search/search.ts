import { dropJump, extendJump, addJump, type Message, type RequestParams, type SearchHit } from '@open-discord/protocol';
import type { Action } from '../actions.js';
import type { AppState } from '../app-state.js';
import { layoutOf } from '../layout.js';
import { roomView, visiblePane } from '../messages/selectors.js';
import { emptyPane } from '../messages/view.js';
import { notice } from '../notices/notices.js';
import { authorOf } from '../roles/roles.js';
import { selectRoom } from '../rooms/reducer.js';
import { messageLines } from '../../wrap/message-lines.js';
import { cleanMessage } from '../world/intake.js';
import { sanitizeDisplay } from '../../text/sanitize.js';

/** `/search`: the results overlay, and the hit being read in its room (the jump). */
export interface SearchState {
  /** The request the results answer (sent again with a cursor for more). */
  params: RequestParams<'search'> | null;
  /** What the user typed, for the overlay's title. */
  label: string;
  status: 'idle' | 'loading' | 'done' | 'failed';
  hits: SearchHit[];
  selected: number;
  /** Cursor of the next (older) page, null when there is none. */
  next: number | null;
  /**
   * The hit on screen in its room: the pane shows the messages around it, the hit marked, until the reader
   * goes back to the newest messages (Esc, Ctrl+End). `loading`: its context is being fetched.
   */
  jump: { roomId: string; messageId: string; order: number; loading: boolean } | null;
}

export const emptySearch = (): SearchState => ({ params: null, label: '', status: 'idle', hits: [], selected: 0, next: null, jump: null });

export type SearchAction =
  | { type: 'search/started'; params: RequestParams<'search'>; label: string }
  /** `more`: a next page, appended to the hits shown. */
  | { type: 'search/loaded'; hits: SearchHit[]; next: number | null; more: boolean }
  | { type: 'search/failed'; error: string }
  | { type: 'search/move'; delta: number }
  /** Enter on the selected hit: go to its room, marked, while its context loads. */
  | { type: 'search/jump' }
  /** Go to a message found elsewhere (an inbox item): as a hit's jump, without a search. */
  | { type: 'search/jump-to'; roomId: string; messageId: string; order: number }
  /** The messages around the hit (`history.around`). */
  | { type: 'search/context'; roomId: string; anchorId: string; messages: Message[]; olderEnd: boolean; newerEnd: boolean }
  /** A page next to the jump window: older (`history` before it) or newer (`history.around` its newest). */
  /** A page next to the jump window was asked for. */
  | { type: 'search/extending' }
  | { type: 'search/extended'; roomId: string; anchorId: string; messages: Message[]; side: 'older' | 'newer'; end: boolean }
  | { type: 'search/context-failed'; error: string }
  /** Back to the room's newest messages. */
  | { type: 'search/leave' };

/**
 * A hit as the screen may show it: its text cleaned of terminal controls. The snippet is cleaned a piece at
 * a time (between and inside the matches), so its ranges still point at the matches however cleaning
 * changes lengths.
 */
function cleanHit(h: SearchHit): SearchHit {
  let snippet = '';
  const ranges: Array<[number, number]> = [];
  let at = 0;
  for (const [a, b] of h.ranges) {
    if (a < at || b <= a || b > h.snippet.length) continue;
    snippet += sanitizeDisplay(h.snippet.slice(at, a));
    const match = sanitizeDisplay(h.snippet.slice(a, b));
    ranges.push([snippet.length, snippet.length + match.length]);
    snippet += match;
    at = b;
  }
  snippet += sanitizeDisplay(h.snippet.slice(at));
  return { message: cleanMessage(h.message), snippet: snippet.replace(/\n/g, ' '), ranges };
}

export const selectedHit = (state: Pick<AppState, 'search'>): SearchHit | undefined => state.search.hits[state.search.selected];

/** The jump being shown in the current room, if any. */
export const currentJump = (state: Pick<AppState, 'search' | 'currentRoomId'>): SearchState['jump'] =>
  state.search.jump && state.search.jump.roomId === state.currentRoomId ? state.search.jump : null;

const set = (state: AppState, search: Partial<SearchState>): AppState => ({ ...state, search: { ...state.search, ...search } });

/** Enter on a hit: to its room (leaving the overlay), marked; its context is asked for by the controller. */
function jump(state: AppState): AppState {
  const hit = selectedHit(state);
  const closed = { ...state, overlay: null };
  if (!hit || !state.world?.rooms[hit.message.roomId]) return notice(closed, 'error', 'that room is gone');
  // A reply shown in its thread only is not in the room's list: the jump goes to its root (and the thread
  // controller opens the thread beside it).
  const messageId = hit.message.threadId && !hit.message.alsoInRoom ? hit.message.threadId : hit.message.id;
  return jumpTo(closed, hit.message.roomId, messageId, hit.message.order);
}

/** Show the messages around one message of a room (a search hit, an inbox item): its context is loading. */
function jumpTo(closed: AppState, roomId: string, messageId: string, order: number): AppState {
  if (!closed.world?.rooms[roomId]) return notice(closed, 'error', 'that room is gone');
  const there = selectRoom(closed, roomId);
  const pane = there.views[roomId] ?? emptyPane();
  return {
    ...there,
    views: { ...there.views, [roomId]: { ...pane, scroll: 0, newBelow: 0, anchor: false } },
    world: dropJump(there.world!, roomId),
    search: { ...closed.search, jump: { roomId, messageId, order, loading: true } },
  };
}

const setScroll = (state: AppState, roomId: string, scroll: number): AppState => {
  const pane = state.views[roomId];
  return pane ? { ...state, views: { ...state.views, [roomId]: { ...pane, scroll, newBelow: 0, anchor: false } } } : state;
};

/** Scroll the hit to the middle of the pane (as near as the loaded messages allow). */
function placeAtHit(state: AppState): AppState {
  const j = state.search.jump;
  if (!j || j.roomId !== state.currentRoomId || !state.views[j.roomId]) return state;
  const all = visiblePane(setScroll(state, j.roomId, Number.MAX_SAFE_INTEGER));
  if (all.markRows === null) return state;
  return setScroll(state, j.roomId, visiblePane(setScroll(state, j.roomId, Math.max(0, all.markRows - Math.ceil(all.height / 2)))).scroll);
}

/** Rows the shown messages newer than `order` take: what a page added below the reader pushes up. */
function rowsAfter(state: AppState, roomId: string, order: number): number {
  const view = roomView(state, roomId);
  const world = state.world;
  if (!view || !world) return 0;
  let rows = 0;
  for (const m of view.messages) {
    if (m.order > order) rows += messageLines(m, layoutOf(state).paneWidth, authorOf(world, m.authorId), false, state.look, null, state.images).length;
  }
  return rows;
}

function leave(state: AppState): AppState {
  const j = state.search.jump;
  if (!j) return state;
  const views = state.views[j.roomId] ? { ...state.views, [j.roomId]: { ...state.views[j.roomId]!, scroll: 0, newBelow: 0 } } : state.views;
  return { ...state, views, world: state.world ? dropJump(state.world, j.roomId) : null, search: { ...state.search, jump: null } };
}

export function searchReducer(state: AppState, action: Action): AppState {
  switch (action.type) {
    case 'search/started':
      return { ...set(state, { params: action.params, label: action.label, status: 'loading', ...(action.params.cursor === undefined && { hits: [], selected: 0, next: null }) }), overlay: { kind: 'search' } };
    case 'search/loaded': {
      const hits = action.hits.map(cleanHit);
      return set(state, { status: 'done', hits: action.more ? [...state.search.hits, ...hits] : hits, next: action.next, ...(!action.more && { selected: 0 }) });
    }
    case 'search/failed':
      return notice(set(state, { status: 'failed' }), 'error', `/search: ${action.error}`);
    case 'search/move': {
      const n = state.search.hits.length;
      if (n === 0) return state;
      return set(state, { selected: Math.min(n - 1, Math.max(0, state.search.selected + action.delta)) });
    }
    case 'search/jump':
      return jump(state);
    case 'search/jump-to':
      return jumpTo({ ...state, overlay: null }, action.roomId, action.messageId, action.order);
    case 'search/context': {
      const j = state.search.jump;
      if (!state.world || !j || j.roomId !== action.roomId || j.messageId !== action.anchorId) return state;
      const world = addJump(state.world, action.roomId, action.anchorId, action.messages.map(cleanMessage), action);
      return placeAtHit(set({ ...state, world }, { jump: { ...j, loading: false } }));
    }
    case 'search/extending':
      return state.search.jump ? set(state, { jump: { ...state.search.jump, loading: true } }) : state;
    case 'search/extended': {
      const j = state.search.jump;
      if (!state.world || !j || j.roomId !== action.roomId || j.messageId !== action.anchorId) return state;
      const bottom = state.world.jumps[action.roomId]?.messages.at(-1);
      const world = extendJump(state.world, action.roomId, action.anchorId, action.messages.map(cleanMessage), action.side, action.end);
      const next = set({ ...state, world }, { jump: { ...j, loading: false } });
      // Newer messages arrive below the reader: keep the rows they look at where they are.
      if (action.side !== 'newer' || !bottom) return next;
      return setScroll(next, action.roomId, (next.views[action.roomId]?.scroll ?? 0) + rowsAfter(next, action.roomId, bottom.order));
    }
    case 'search/context-failed': {
      return notice(set(state, state.search.jump ? { jump: { ...state.search.jump, loading: false } } : {}), 'error', `could not load the message: ${action.error}`);
    }
    case 'search/leave':
      return leave(state);
    default:
      return state;
  }
}
