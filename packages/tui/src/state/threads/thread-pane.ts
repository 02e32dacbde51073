import { addThreadHistory, markThreadRead, type Message } from '@open-discord/protocol';
import type { Action } from '../actions.js';
import type { AppState } from '../app-state.js';
import { emptyInput, type InputState } from '../input/input-state.js';
import { cleanMessage } from '../world/intake.js';

/**
 * The thread pane: one thread open beside the room (an overlay on a narrow terminal), with its own
 * scrollback and input. While it is open the input line writes to the thread; the room's draft waits in
 * `roomInput` and comes back when the pane closes.
 */
export interface ThreadPane {
  roomId: string;
  /** The root's id (the thread's id). */
  rootId: string;
  /** "Also send to room": replies typed in the pane show in the room too. */
  alsoInRoom: boolean;
  /** Rows scrolled up from the newest reply. */
  scroll: number;
  /** The first `thread.history` page is on its way. */
  loading: boolean;
  /** Older replies exist beyond those loaded. */
  end: boolean;
  /** The room's input line, kept while the pane has the keyboard. */
  roomInput: InputState;
}

/** Terminals narrower than this show the thread over the messages instead of beside them. */
export const THREAD_SIDE_MIN_COLS = 100;

/** Actions of the thread pane (prefix `thread/`). */
export type ThreadAction =
  /** Open the thread of message `messageId` (a reply opens its root's thread): for a key, /thread, or the selection mode. */
  | { type: 'thread/open'; roomId: string; messageId: string }
  | { type: 'thread/close' }
  | { type: 'thread/loaded'; rootId: string; root?: Message; messages: Message[]; end: boolean }
  | { type: 'thread/failed'; rootId: string; error: string }
  | { type: 'thread/scroll'; lines: number }
  | { type: 'thread/also-in-room'; on?: boolean }
  /** Read locally up to `order` (the controller also sends `thread.read`). */
  | { type: 'thread/read-local'; rootId: string; order: number };

/** The root a message belongs to: a reply's root, or the message itself. */
export function rootIdOf(state: Pick<AppState, 'world'>, roomId: string, messageId: string): string {
  const world = state.world;
  const inRoom = world?.messages[roomId]?.find((m) => m.id === messageId);
  if (inRoom?.threadId) return inRoom.threadId;
  if (world) {
    for (const [rootId, list] of Object.entries(world.threads)) if (list.some((m) => m.id === messageId)) return rootId;
  }
  return messageId;
}

export function threadsReducer(state: AppState, action: Action): AppState {
  const pane = state.thread;
  switch (action.type) {
    case 'thread/open': {
      if (!state.world?.rooms[action.roomId]) return state;
      const rootId = rootIdOf(state, action.roomId, action.messageId);
      if (pane?.rootId === rootId) return state;
      // Opening another thread keeps the room's draft parked, not the previous thread's.
      const roomInput = pane ? pane.roomInput : state.input;
      return {
        ...state,
        thread: { roomId: action.roomId, rootId, alsoInRoom: false, scroll: 0, loading: true, end: false, roomInput },
        input: emptyInput(),
      };
    }
    case 'thread/close':
      return pane ? { ...state, thread: null, input: pane.roomInput } : state;
    case 'thread/loaded': {
      if (!state.world) return state;
      const world = addThreadHistory(state.world, action.rootId, action.messages.map(cleanMessage), action.root && cleanMessage(action.root));
      const thread = pane?.rootId === action.rootId ? { ...pane, loading: false, end: action.end } : pane;
      return { ...state, world, thread };
    }
    case 'thread/failed':
      return pane?.rootId === action.rootId ? { ...state, thread: { ...pane, loading: false } } : state;
    case 'thread/scroll':
      return pane ? { ...state, thread: { ...pane, scroll: Math.max(0, pane.scroll + action.lines) } } : state;
    case 'thread/also-in-room':
      return pane ? { ...state, thread: { ...pane, alsoInRoom: action.on ?? !pane.alsoInRoom } } : state;
    case 'thread/read-local':
      return state.world ? { ...state, world: markThreadRead(state.world, action.rootId, action.order) } : state;
    default:
      return state;
  }
}

/** The open thread's root (if loaded) and its loaded replies. */
export function openThread(state: Pick<AppState, 'world' | 'thread'>): { root: Message | undefined; replies: readonly Message[] } | null {
  const pane = state.thread;
  const world = state.world;
  if (!pane || !world) return null;
  const root = world.messages[pane.roomId]?.find((m) => m.id === pane.rootId);
  return { root, replies: world.threads[pane.rootId] ?? [] };
}

/** The open thread's newest reply is not read yet (and the reader is at the bottom): where to mark it read. */
export function threadReadWanted(state: Pick<AppState, 'world' | 'thread' | 'status'>): { roomId: string; rootId: string; order: number } | null {
  const pane = state.thread;
  const world = state.world;
  if (!pane || !world || pane.scroll > 0 || state.status.state !== 'live') return null;
  const f = world.followed[pane.rootId];
  if (!f || f.unread.count + f.unread.mentions === 0) return null;
  return { roomId: pane.roomId, rootId: pane.rootId, order: world.head };
}
