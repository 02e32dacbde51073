import { messageLines } from '../wrap/message-lines.js';
import type { Action } from './actions.js';
import { layoutOf } from './layout.js';
import { emptyView, fromWire, insertMessage, mergeHistory, recount } from './messages.js';
import { emptyInput } from './input-reducer.js';
import { authorOf, orderedRooms, roomLabel } from './selectors.js';
import type { AppState, ChatMessage, RoomView } from './types.js';
import { typingForRooms, typingStarted, typingStopped } from './typing.js';
import type { ClientEvent, Message, SnapshotReason, StateResult } from './wire-types.js';

const byId = <T extends { id: string }>(list: readonly T[]): Record<string, T> =>
  Object.fromEntries(list.map((x) => [x.id, x]));

function setView(state: AppState, roomId: string, view: RoomView): AppState {
  return { ...state, views: { ...state.views, [roomId]: view } };
}

export function applySnapshot(state: AppState, snap: StateResult, reason: SnapshotReason): AppState {
  const views: Record<string, RoomView> = {};
  for (const room of snap.rooms) {
    const old = state.views[room.id];
    const base: RoomView =
      old && reason !== 'initial'
        ? reason === 'gap-too-large'
          ? // Events were missed and will never be replayed: drop what we had, reload, and say so on screen.
            { ...old, messages: [], end: false, loading: false, scroll: 0, newBelow: 0, reloaded: { before: null } }
          : old
        : { ...emptyView(), pending: old?.pending ?? [] };
    const unread = snap.unread[room.id];
    views[room.id] = {
      ...base,
      readMarker: snap.readMarkers[room.id] ?? 0,
      unread: unread?.count ?? 0,
      mentions: unread?.mentions ?? 0,
    };
  }
  let next: AppState = {
    ...state,
    me: snap.me,
    users: byId(snap.users),
    rooms: byId(snap.rooms),
    categories: byId(snap.categories),
    roles: byId(snap.roles),
    views,
  };
  next = { ...next, typing: typingForRooms(state.typing, next.rooms), ...forgetHidden(state, next.rooms) };
  const lostCurrent = !!state.currentRoomId && !next.rooms[state.currentRoomId];
  if (!next.currentRoomId || !next.rooms[next.currentRoomId]) {
    const first = orderedRooms(next)[0];
    // What was typed belonged to a room that is gone: it must not be sent to another one by accident.
    const draft = first ? next.drafts[first.id] : undefined;
    next = { ...next, currentRoomId: null, input: draft ? { ...emptyInput(), ...draft } : emptyInput() };
    if (first) next = enterRoom(next, first.id);
  } else if (reason === 'initial') {
    next = enterRoom({ ...next, currentRoomId: null }, next.currentRoomId!);
  }
  if (reason === 'initial') return next;
  const notice = accessNotice(state, next, reason, lostCurrent);
  return notice ? { ...next, flash: { kind: 'info', text: notice } } : next;
}

/** Drafts and input history of rooms that are gone are dropped with them. */
function forgetHidden(state: AppState, rooms: AppState['rooms']): Pick<AppState, 'drafts' | 'history'> {
  const keep = <T>(rec: Record<string, T>): Record<string, T> =>
    Object.fromEntries(Object.entries(rec).filter(([id]) => rooms[id]));
  return { drafts: keep(state.drafts), history: keep(state.history) };
}

/** Rooms in `next` that `prev` did not have (e.g. visible after an access change), in display order. */
export function roomsGained(prev: Pick<AppState, 'rooms'>, next: Pick<AppState, 'rooms' | 'categories'>): string[] {
  return orderedRooms(next)
    .filter((r) => !prev.rooms[r.id])
    .map((r) => r.id);
}

/**
 * Say what changed when a snapshot replaced the room list: always when the current room went away, and
 * for an access change which rooms appeared or disappeared.
 */
function accessNotice(prev: AppState, next: AppState, reason: SnapshotReason, lostCurrent: boolean): string | null {
  const name = (s: AppState, id: string) => `#${roomLabel(s, s.rooms[id]!)}`;
  const parts: string[] = [];
  const here = next.currentRoomId ? name(next, next.currentRoomId) : null;
  if (lostCurrent) {
    const gone = name(prev, prev.currentRoomId!);
    parts.push(here ? `${gone} is no longer visible to you — now in ${here}` : `${gone} is no longer visible to you`);
  }
  if (reason === 'access-changed') {
    const lost = Object.keys(prev.rooms).filter((id) => !next.rooms[id] && id !== prev.currentRoomId);
    if (lost.length) parts.push(`no longer visible: ${lost.map((id) => name(prev, id)).join(' ')}`);
    const gained = roomsGained(prev, next);
    if (gained.length) parts.push(`now visible: ${gained.map((id) => name(next, id)).join(' ')}`);
  }
  return parts.length ? parts.join('; ') : null;
}

/** Make `roomId` current: the read ruler is placed at its read marker as the user arrives. */
export function enterRoom(state: AppState, roomId: string): AppState {
  if (!state.rooms[roomId]) return state;
  const views = { ...state.views };
  const leaving = state.currentRoomId ? views[state.currentRoomId] : undefined;
  if (leaving && state.currentRoomId !== roomId) views[state.currentRoomId!] = { ...leaving, ruler: null };
  const view = views[roomId] ?? emptyView();
  views[roomId] = state.currentRoomId === roomId ? view : { ...view, ruler: view.unread > 0 ? view.readMarker : null };
  return { ...state, currentRoomId: roomId, views };
}

function lineCount(state: AppState, msg: ChatMessage): number {
  const width = layoutOf(state).paneWidth;
  return messageLines(msg, width, authorOf(state, msg.authorId), false).length;
}

function addMessage(state: AppState, m: Message): AppState {
  const view = state.views[m.roomId];
  if (!view) return state;
  const msg = fromWire(m);
  const messages = insertMessage(view.messages, msg);
  if (messages === view.messages) return state;
  const meId = state.me?.id ?? null;
  const mine = m.authorId === meId;
  // Our own copy, waiting for this echo, is replaced by the confirmed message.
  const pending = mine && m.nonce ? view.pending.filter((p) => p.nonce !== m.nonce) : view.pending;
  const isNewest = messages[messages.length - 1] === msg;
  const focused = state.currentRoomId === m.roomId;
  const seen = focused && view.scroll === 0;
  const mentionsMe = !!meId && !!m.mentions?.includes(meId);
  const next: RoomView = { ...view, messages, pending };
  if (!mine && !seen && m.order > view.readMarker) {
    next.unread = view.unread + 1;
    if (mentionsMe) next.mentions = view.mentions + 1;
  }
  if (focused && view.scroll > 0 && isNewest) {
    // Keep the rows the reader is looking at in place while new ones arrive below.
    next.scroll = view.scroll + lineCount(state, msg);
    next.newBelow = view.newBelow + 1;
  }
  const out = setView(state, m.roomId, next);
  if (!mentionsMe || mine || focused) return out;
  return { ...out, bell: state.bell + 1, lastMention: { roomId: m.roomId, authorId: m.authorId, text: m.text } };
}

function replaceMessage(state: AppState, m: Message): AppState {
  const view = state.views[m.roomId];
  if (!view) return state;
  const at = view.messages.findIndex((x) => x.id === m.id);
  if (at < 0) return state;
  const messages = view.messages.slice();
  messages[at] = fromWire(m);
  return setView(state, m.roomId, { ...view, messages });
}

function markRead(state: AppState, roomId: string, order: number): AppState {
  const view = state.views[roomId];
  if (!view || order <= view.readMarker) return state;
  const moved = { ...view, readMarker: order };
  return setView(state, roomId, { ...moved, ...recount(moved, state.me?.id ?? null) });
}

export function applyEvent(state: AppState, e: ClientEvent): AppState {
  switch (e.type) {
    case 'user.joined':
    case 'user.updated': {
      const user = e.data.user;
      const me = state.me && state.me.id === user.id ? { ...state.me, ...user } : state.me;
      return { ...state, me, users: { ...state.users, [user.id]: user } };
    }
    case 'user.removed':
      // Keep the user so their old messages still show a name.
      return state;
    case 'room.created':
    case 'room.updated': {
      const room = e.data.room;
      const known = !!state.rooms[room.id];
      const views = state.views[room.id] ? state.views : { ...state.views, [room.id]: { ...emptyView(), end: e.type === 'room.created' } };
      let next: AppState = { ...state, rooms: { ...state.rooms, [room.id]: room }, views };
      // An update of a room we did not have: it was opened to us (the access.changed snapshot follows).
      if (!known && e.type === 'room.updated') next = { ...next, flash: { kind: 'info', text: `now visible: #${roomLabel(next, room)}` } };
      return next.currentRoomId ? next : enterRoom(next, room.id);
    }
    case 'room.deleted': {
      const { [e.data.roomId]: _r, ...rooms } = state.rooms;
      const { [e.data.roomId]: _v, ...views } = state.views;
      let next: AppState = { ...state, rooms, views };
      if (state.currentRoomId === e.data.roomId) {
        const first = orderedRooms(next)[0];
        next = { ...next, currentRoomId: null };
        if (first) next = enterRoom(next, first.id);
      }
      return next;
    }
    case 'message.created': {
      const m = e.data.message;
      return typingStopped(addMessage(state, m), m.roomId, m.authorId);
    }
    case 'message.edited':
      return replaceMessage(state, e.data.message);
    case 'message.deleted': {
      const view = state.views[e.data.roomId];
      if (!view) return state;
      return setView(state, e.data.roomId, { ...view, messages: view.messages.filter((m) => m.id !== e.data.messageId) });
    }
    case 'read.marked':
      return markRead(state, e.data.roomId, e.data.order);
    case 'category.created':
    case 'category.updated':
      return { ...state, categories: { ...state.categories, [e.data.category.id]: e.data.category } };
    case 'category.deleted': {
      const { [e.data.categoryId]: _c, ...categories } = state.categories;
      // Its rooms become uncategorised (the server also sends room.updated for each; this keeps the order
      // right even if those arrive later).
      const rooms: AppState['rooms'] = {};
      for (const [id, r] of Object.entries(state.rooms)) rooms[id] = r.categoryId === e.data.categoryId ? { ...r, categoryId: null } : r;
      return { ...state, categories, rooms };
    }
    case 'role.created':
    case 'role.updated':
      return { ...state, roles: { ...state.roles, [e.data.role.id]: e.data.role } };
    case 'role.deleted': {
      const { [e.data.roleId]: _c, ...roles } = state.roles;
      return { ...state, roles };
    }
    case 'access.changed':
    case 'unknown':
      // access.changed: the client reloads state itself and sends a snapshot; unknown: a newer server's event.
      return state;
  }
}

export function worldReducer(state: AppState, action: Action): AppState {
  switch (action.type) {
    case 'status':
      // A figure from a connection that is gone says nothing about the next one.
      return { ...state, status: action.status, lag: action.status.state === 'live' ? state.lag : null };
    case 'lag':
      return state.status.state === 'live' ? { ...state, lag: { ms: action.ms, at: action.at } } : state;
    case 'snapshot':
      return applySnapshot(state, action.state, action.reason);
    case 'event':
      return applyEvent(state, action.event);
    case 'typing':
      return typingStarted(state, action.roomId, action.userId, action.at);
    case 'presence': {
      const u = state.users[action.userId];
      return u ? { ...state, users: { ...state.users, [u.id]: { ...u, online: action.online } } } : state;
    }
    case 'history/requested': {
      const view = state.views[action.roomId];
      return view ? setView(state, action.roomId, { ...view, loading: true }) : state;
    }
    case 'history/loaded': {
      const view = state.views[action.roomId];
      if (!view) return state;
      const page = action.messages.map(fromWire);
      const messages = mergeHistory(view.messages, page);
      let reloaded = view.reloaded;
      if (reloaded && reloaded.before === null) {
        // The first page after a reload marks where the reloaded history begins.
        reloaded = { before: page.length ? Math.min(...page.map((m) => m.order)) : null };
      }
      return setView(state, action.roomId, { ...view, messages, end: action.end, loading: false, reloaded });
    }
    case 'history/failed': {
      const view = state.views[action.roomId];
      const next = view ? setView(state, action.roomId, { ...view, loading: false }) : state;
      return { ...next, flash: { kind: 'error', text: `could not load history: ${action.error}` } };
    }
    case 'send/started': {
      const view = state.views[action.roomId];
      if (!view) return state;
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
      return setView(state, action.roomId, { ...view, pending: [...view.pending, msg], scroll: 0, newBelow: 0 });
    }
    case 'send/confirmed': {
      // The reply can beat the echo: apply the message now; the echo then finds it and changes nothing.
      return addMessage(state, action.message);
    }
    case 'send/failed':
    case 'send/retry': {
      const view = state.views[action.roomId];
      if (!view) return state;
      const pending = view.pending.map((p): ChatMessage => {
        if (p.nonce !== action.nonce) return p;
        if (action.type === 'send/retry') {
          const { error: _e, ...rest } = p;
          return { ...rest, status: 'pending' };
        }
        return { ...p, status: 'failed', error: action.error };
      });
      return setView(state, action.roomId, { ...view, pending });
    }
    case 'read/local':
      return markRead(state, action.roomId, action.order);
    default:
      return state;
  }
}
