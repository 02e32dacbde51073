import type { CommandSpec, Room } from '@open-discord/protocol';
import type { Action } from '../actions.js';
import type { AppState } from '../app-state.js';
import { roomsReducer } from '../rooms/reducer.js';
import { groupsOf, orderedRooms, roomLabel } from '../rooms/selectors.js';
import { maxOverlayScroll } from './scroll.js';

/** Drafts that quitting would lose: the input line, and the other rooms' kept drafts. */
export function unsentDrafts(state: Pick<AppState, 'input' | 'drafts' | 'currentRoomId'>): number {
  const others = Object.entries(state.drafts).filter(([id, d]) => id !== state.currentRoomId && d.text.trim() !== '').length;
  return others + (state.input.text.trim() ? 1 : 0);
}

export type Overlay =
  /** `scroll`: rows scrolled down from the top (clamped by the reducer to what the box can show). */
  | { kind: 'help'; lines: string[]; scroll: number; title?: string }
  | { kind: 'roles'; scroll: number }
  | { kind: 'switcher'; query: string; selected: number }
  /**
   * `text` is the whole message to send; a paste that arrives in several chunks continues at `at`, after a
   * line break held back from the end of the previous chunk (`held`) in case that chunk was the last.
   */
  | { kind: 'paste'; text: string; at: number; held: boolean }
  /** A destructive command waits for y (anything else cancels); see CommandSpec.destructive. */
  | { kind: 'confirm'; question: string; command: PendingCommand }
  /** Ctrl+C with an unsent draft: quit anyway? */
  | { kind: 'quit-confirm'; drafts: number }
  /** Alt+J: the digits of a room number typed so far (rooms 10 and up have no Alt+digit). */
  | { kind: 'room-jump'; digits: string }
  /** /search results (state.search holds them). */
  | { kind: 'search' }
  /** /2fa, /password, /sessions (state.account holds them). */
  | { kind: 'account' }
  /** A list of posts (bookmarks, feed, tag search, a profile card): state.forum.list holds it. */
  | { kind: 'posts' }
  /** The notification inbox (state.inbox holds it). */
  | { kind: 'inbox' }
  /** `/boards [name]`, `/people NICK` (state.forum.finder holds it). */
  | { kind: 'finder' };

/** A command resolved and built, kept while its confirmation is asked (plain data, so state stays pure). */
export interface PendingCommand {
  spec: CommandSpec;
  params: Record<string, unknown>;
  extra?: Record<string, unknown>;
  /** The room on screen when it was typed: its notices belong there. */
  roomId: string | null;
}

/** A chunk's final line break is held back: it belongs to the message only if more of the paste follows. */
function holdNewline(text: string): { body: string; held: boolean } {
  return text.endsWith('\n') ? { body: text.slice(0, -1), held: true } : { body: text, held: false };
}

export function overlayReducer(state: AppState, action: Action): AppState {
  switch (action.type) {
    case 'overlay/help':
      return { ...state, overlay: { kind: 'help', lines: action.lines, scroll: 0, ...(action.title && { title: action.title }) } };
    case 'overlay/roles':
      return { ...state, overlay: { kind: 'roles', scroll: 0 } };
    case 'overlay/scroll': {
      const o = state.overlay;
      if (o?.kind !== 'help' && o?.kind !== 'roles') return state;
      const scroll = Math.min(maxOverlayScroll(state), Math.max(0, o.scroll + action.lines));
      return scroll === o.scroll ? state : { ...state, overlay: { ...o, scroll } };
    }
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
    case 'overlay/confirm':
      return { ...state, overlay: { kind: 'confirm', question: action.question, command: action.command } };
    case 'overlay/close':
      return { ...state, overlay: null };
    case 'overlay/quit-confirm':
      return { ...state, overlay: { kind: 'quit-confirm', drafts: unsentDrafts(state) } };
    case 'overlay/room-jump':
      return { ...state, overlay: { kind: 'room-jump', digits: '' } };
    case 'overlay/room-jump-digit': {
      if (state.overlay?.kind !== 'room-jump') return state;
      const digits = state.overlay.digits + action.digit;
      // Two digits always name a room; one digit waits for the second (or Enter).
      return digits.length < 2 ? { ...state, overlay: { kind: 'room-jump', digits } } : roomsReducer({ ...state, overlay: null }, { type: 'room/index', index: Number(digits) - 1 });
    }
    default:
      return state;
  }
}

/** Fuzzy subsequence match: lower scores are better; null when `query` is not a subsequence of `name`. */
export function fuzzyScore(query: string, name: string): number | null {
  const q = query.toLowerCase();
  const n = name.toLowerCase();
  if (!q) return 0;
  if (n.startsWith(q)) return -1000 + n.length;
  let pos = -1;
  let score = 0;
  for (const ch of q) {
    const next = n.indexOf(ch, pos + 1);
    if (next < 0) return null;
    score += next - pos - 1; // gaps cost
    pos = next;
  }
  return score + n.length / 100;
}

/** The room switcher's matches for its query, best first. */
export function switcherResults(state: AppState): Room[] {
  if (state.overlay?.kind !== 'switcher') return [];
  const q = state.overlay.query;
  const world = state.world;
  // The rooms in the list, then the visible rooms one is not in (going there previews them; /join joins).
  const listed = orderedRooms(state);
  const inList = new Set(listed.map((r) => r.id));
  const others = groupsOf(world).flatMap((g) => g.rooms).filter((r) => !inList.has(r.id));
  return [...listed.map((r) => ({ r, joined: 0 })), ...others.map((r) => ({ r, joined: 1 }))]
    .map(({ r, joined }) => ({ r, joined, s: fuzzyScore(q, roomLabel(state, r.id)) }))
    .filter((x): x is { r: Room; joined: number; s: number } => x.s !== null)
    .sort((a, b) => a.s - b.s || a.joined - b.joined)
    .map((x) => x.r);
}
