import { sanitizeDisplay } from '../text/sanitize.js';
import type { Action } from './actions.js';
import { emptyInput, inputReducer } from './input-reducer.js';
import { layoutOf } from './layout.js';
import { nextActivityRoom, orderedRooms, switcherResults, visiblePane } from './selectors.js';
import type { AppState } from './types.js';
import { enterRoom } from './enter-room.js';
import { worldReducer } from './world-reducer.js';

export function initialState(cols = 80, rows = 24): AppState {
  return {
    status: { state: 'connecting', attempt: 1 },
    me: null,
    users: {},
    rooms: {},
    categories: {},
    roles: {},
    views: {},
    currentRoomId: null,
    drafts: {},
    history: {},
    input: emptyInput(),
    overlay: null,
    flash: null,
    layout: { cols, rows },
    bell: 0,
    lastMention: null,
    typing: {},
    lag: null,
  };
}

/** Switch rooms, keeping the draft of the room we leave and restoring the one we return to. */
function selectRoom(state: AppState, roomId: string | undefined | null): AppState {
  if (!roomId || roomId === state.currentRoomId || !state.rooms[roomId]) return state;
  const drafts = { ...state.drafts };
  if (state.currentRoomId) {
    if (state.input.text) drafts[state.currentRoomId] = { text: state.input.text, cursor: state.input.cursor };
    else delete drafts[state.currentRoomId];
  }
  const draft = drafts[roomId];
  const input = draft ? { ...emptyInput(), text: draft.text, cursor: draft.cursor } : emptyInput();
  return enterRoom({ ...state, drafts, input, overlay: null }, roomId);
}

function scroll(state: AppState, lines: number): AppState {
  const id = state.currentRoomId;
  const view = id ? state.views[id] : undefined;
  if (!id || !view) return state;
  const wanted = Math.max(0, view.scroll + lines);
  // Clamp against what is loaded (cheap: only the rows up to the new offset are wrapped).
  const pane = visiblePane({ ...state, views: { ...state.views, [id]: { ...view, scroll: wanted } } });
  const next = pane.scroll;
  return { ...state, views: { ...state.views, [id]: { ...view, scroll: next, newBelow: next === 0 ? 0 : view.newBelow } } };
}

export function reducer(state: AppState, action: Action): AppState {
  switch (action.type) {
    case 'room/select':
      return selectRoom(state, action.roomId);
    case 'room/index':
      return selectRoom(state, orderedRooms(state)[action.index]?.id);
    case 'room/step': {
      const rooms = orderedRooms(state);
      if (rooms.length === 0) return state;
      const at = rooms.findIndex((r) => r.id === state.currentRoomId);
      return selectRoom(state, rooms[(at + action.delta + rooms.length) % rooms.length]!.id);
    }
    case 'room/next-activity':
      return selectRoom(state, nextActivityRoom(state));
    case 'scroll':
      return scroll(state, action.lines);
    case 'scroll/bottom':
      return scroll(state, -Number.MAX_SAFE_INTEGER);
    case 'overlay/help':
      return { ...state, overlay: { kind: 'help', lines: action.lines } };
    case 'overlay/roles':
      return { ...state, overlay: { kind: 'roles' } };
    case 'overlay/switcher':
      return { ...state, overlay: { kind: 'switcher', query: '', selected: 0 } };
    case 'overlay/switcher-query':
      return state.overlay?.kind === 'switcher' ? { ...state, overlay: { ...state.overlay, query: action.query, selected: 0 } } : state;
    case 'overlay/switcher-move': {
      if (state.overlay?.kind !== 'switcher') return state;
      const n = switcherResults(state).length;
      const selected = n === 0 ? 0 : (state.overlay.selected + action.delta + n) % n;
      return { ...state, overlay: { ...state.overlay, selected } };
    }
    case 'overlay/paste': {
      const { body, held } = holdNewline(action.text);
      const at = action.before.length + body.length;
      return { ...state, overlay: { kind: 'paste', text: action.before + body + action.after, at, held } };
    }
    case 'overlay/paste-more': {
      const o = state.overlay;
      if (o?.kind !== 'paste') return state;
      const { body, held } = holdNewline(action.text);
      const add = (o.held ? '\n' : '') + body;
      return { ...state, overlay: { kind: 'paste', text: o.text.slice(0, o.at) + add + o.text.slice(o.at), at: o.at + add.length, held } };
    }
    case 'overlay/close':
      return { ...state, overlay: null };
    case 'flash':
      return { ...state, flash: { kind: action.kind, text: sanitizeDisplay(action.text) } };
    case 'flash/clear':
      return state.flash ? { ...state, flash: null } : state;
    case 'resize':
      return { ...state, layout: { cols: action.cols, rows: action.rows } };
    default:
      if (action.type.startsWith('input/')) return inputReducer(state, action);
      return worldReducer(state, action);
  }
}

export { layoutOf };

/** A chunk's final line break is held back: it belongs to the message only if more of the paste follows. */
function holdNewline(text: string): { body: string; held: boolean } {
  return text.endsWith('\n') ? { body: text.slice(0, -1), held: true } : { body: text, held: false };
}
