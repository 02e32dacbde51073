import { shouldNotify, type Message, type SnapshotReason } from '@open-discord/protocol';
import { sanitizeDisplay } from '../../text/sanitize.js';
import { messageLines } from '../../wrap/message-lines.js';
import type { Action } from '../actions.js';
import type { AppState } from '../app-state.js';
import { layoutOf } from '../layout.js';
import { notice } from '../notices/notices.js';
import { hiddenAuthors } from '../prefs/prefs.js';
import { authorOf } from '../roles/roles.js';
import { placeAtRuler } from './anchor.js';
import { visiblePane } from './selectors.js';
import { emptyPane, type ChatMessage, type PaneState } from './view.js';

const paneOf = (state: AppState, roomId: string): PaneState => state.views[roomId] ?? emptyPane();
const setPane = (state: AppState, roomId: string, pane: PaneState): AppState => ({ ...state, views: { ...state.views, [roomId]: pane } });

/** Rows a message takes at the pane's width. */
function lineCount(state: AppState, msg: Message): number {
  const world = state.world!;
  return messageLines({ ...msg, status: 'confirmed' }, layoutOf(state).paneWidth, authorOf(world, msg.authorId), false, state.look, null, state.images).length;
}

/**
 * A message reached the world (its event, or the reply to our send): our pending copy gives way to it, a
 * reader scrolled up keeps the rows they look at in place, and a mention elsewhere is announced.
 */
export function messageArrived(prev: AppState, next: AppState, m: Message): AppState {
  const world = next.world;
  // Nothing changed in the world: a duplicate, or a room we do not see.
  if (!world || world.messages[m.roomId] === prev.world?.messages[m.roomId]) return next;
  const pane = paneOf(next, m.roomId);
  const mine = m.authorId === world.me.id;
  const focused = next.currentRoomId === m.roomId;
  const list = world.messages[m.roomId]!;
  const isNewest = list[list.length - 1]?.id === m.id;
  let out = next;
  const pending = mine && m.nonce ? pane.pending.filter((p) => p.nonce !== m.nonce) : pane.pending;
  if (pending !== pane.pending || (focused && pane.scroll > 0 && isNewest)) {
    const moved = focused && pane.scroll > 0 && isNewest;
    out = setPane(out, m.roomId, {
      ...pane,
      pending,
      ...(moved && { scroll: pane.scroll + lineCount(next, m), newBelow: pane.newBelow + 1 }),
    });
  }
  // The room's level decides (text rooms: mentions, chats: every message, unless the user chose otherwise);
  // a muted room never rings.
  if (mine || focused || !shouldNotify(world, m) || next.prefs.muted.includes(m.roomId) || hiddenAuthors(next)?.(m.authorId)) return out;
  return { ...out, bell: out.bell + 1, lastMention: { roomId: m.roomId, authorId: m.authorId, text: m.text } };
}

/**
 * The screen's per-room state after a snapshot. After a gap too large to replay the world dropped the loaded
 * messages; the pane goes back to the bottom and marks where the reloaded history will begin.
 */
export function panesAfterSnapshot(state: AppState, reason: SnapshotReason): Record<string, PaneState> {
  const views: Record<string, PaneState> = {};
  for (const roomId of Object.keys(state.world?.rooms ?? {})) {
    const old = state.views[roomId];
    if (!old) continue;
    if (reason === 'initial') views[roomId] = { ...emptyPane(), pending: old.pending };
    else if (reason === 'gap-too-large') views[roomId] = { ...old, loading: false, scroll: 0, newBelow: 0, reloaded: { before: null } };
    else views[roomId] = old;
  }
  return views;
}

function scroll(state: AppState, lines: number): AppState {
  const id = state.currentRoomId;
  if (!id || !state.world?.rooms[id]) return state;
  const pane = paneOf(state, id);
  const wanted = Math.max(0, pane.scroll + lines);
  // Clamp against what is loaded (cheap: only the rows up to the new offset are wrapped).
  const next = visiblePane(setPane(state, id, { ...pane, scroll: wanted })).scroll;
  return setPane(state, id, { ...pane, scroll: next, newBelow: next === 0 ? 0 : pane.newBelow, anchor: false });
}

/** Alt+U: from the newest message to the read ruler, and back. */
function toRuler(state: AppState): AppState {
  const id = state.currentRoomId;
  const pane = id ? state.views[id] : undefined;
  if (!id || !pane) return state;
  if (pane.scroll > 0) return scroll(state, -Number.MAX_SAFE_INTEGER);
  if (pane.ruler === null) return notice(state, 'info', 'nothing new since you last read this room');
  return placeAtRuler(setPane(state, id, { ...pane, anchor: true }));
}

/** Scrolling, history loading and our own sends. (Messages themselves are the world's: world/reducer.ts.) */
export function messagesReducer(state: AppState, action: Action): AppState {
  switch (action.type) {
    case 'scroll':
      return scroll(state, action.lines);
    case 'scroll/bottom':
      return scroll(state, -Number.MAX_SAFE_INTEGER);
    case 'scroll/ruler':
      return toRuler(state);
    case 'history/requested':
      return state.world?.rooms[action.roomId] ? setPane(state, action.roomId, { ...paneOf(state, action.roomId), loading: true }) : state;
    case 'history/failed': {
      const next = state.world?.rooms[action.roomId] ? setPane(state, action.roomId, { ...paneOf(state, action.roomId), loading: false }) : state;
      return notice(next, 'error', `could not load history: ${action.error}`, action.roomId);
    }
    case 'send/started': {
      if (!state.world?.rooms[action.roomId]) return state;
      const pane = paneOf(state, action.roomId);
      const msg: ChatMessage = {
        id: `pending:${action.nonce}`,
        roomId: action.roomId,
        authorId: action.authorId,
        text: action.text,
        createdAt: action.at,
        order: 0,
        nonce: action.nonce,
        status: 'pending',
      };
      if (action.action) msg.action = true;
      // Sending jumps back to the newest messages, where the pending copy appears.
      return setPane(state, action.roomId, { ...pane, pending: [...pane.pending, msg], scroll: 0, newBelow: 0 });
    }
    case 'send/failed':
    case 'send/retry': {
      const pane = state.views[action.roomId];
      if (!pane) return state;
      const pending = pane.pending.map((p): ChatMessage => {
        if (p.nonce !== action.nonce) return p;
        if (action.type === 'send/retry') {
          const { error: _e, ...rest } = p;
          return { ...rest, status: 'pending' };
        }
        return { ...p, status: 'failed', error: sanitizeDisplay(action.error) };
      });
      return setPane(state, action.roomId, { ...pane, pending });
    }
    default:
      return state;
  }
}
