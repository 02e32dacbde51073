import { messageLines } from '../wrap/message-lines.js';
import type { Action } from './actions.js';
import { layoutOf } from './layout.js';
import { emptyView, fromWire, insertMessage, mergeHistory, recount } from './messages.js';
import { enterRoom } from './enter-room.js';
import { authorOf, orderedRooms, roomLabel } from './selectors.js';
import type { AppState, ChatMessage, RoomView } from './types.js';
import { sanitizeDisplay, sanitizeRecord } from '../text/sanitize.js';
import { applySnapshot } from './snapshot.js';
import { typingForRooms, typingStarted, typingStopped } from './typing.js';
import { emptyInput } from './input-reducer.js';
import type { ClientEvent, Message } from './wire-types.js';

function setView(state: AppState, roomId: string, view: RoomView): AppState {
  return { ...state, views: { ...state.views, [roomId]: view } };
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
  return { ...out, bell: state.bell + 1, lastMention: { roomId: m.roomId, authorId: m.authorId, text: msg.text } };
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
      const user = sanitizeRecord(e.data.user);
      const me = state.me && state.me.id === user.id ? { ...state.me, ...user } : state.me;
      return { ...state, me, users: { ...state.users, [user.id]: user } };
    }
    case 'user.removed':
      // Keep the user so their old messages still show a name.
      return state;
    case 'room.created':
    case 'room.updated': {
      const room = sanitizeRecord(e.data.room);
      const known = !!state.rooms[room.id];
      const views = state.views[room.id] ? state.views : { ...state.views, [room.id]: { ...emptyView(), end: e.type === 'room.created' } };
      let next: AppState = { ...state, rooms: { ...state.rooms, [room.id]: room }, views };
      // An update of a room we did not have: it was opened to us (the access.changed snapshot follows).
      if (!known && e.type === 'room.updated') next = { ...next, flash: { kind: 'info', text: `now visible: #${roomLabel(next, room)}` } };
      return next.currentRoomId ? next : enterRoom(next, room.id);
    }
    case 'room.deleted': {
      const id = e.data.roomId;
      const gone = state.rooms[id];
      const { [id]: _r, ...rooms } = state.rooms;
      const { [id]: _v, ...views } = state.views;
      // Its draft and input history go with it.
      const { [id]: _d, ...drafts } = state.drafts;
      const { [id]: _h, ...history } = state.history;
      let next: AppState = { ...state, rooms, views, drafts, history, typing: typingForRooms(state.typing, rooms) };
      if (state.currentRoomId === id) {
        const first = orderedRooms(next)[0];
        // What was typed belonged to the deleted room: it must not be sent to another one by accident.
        const draft = first ? next.drafts[first.id] : undefined;
        next = { ...next, currentRoomId: null, input: draft ? { ...emptyInput(), ...draft } : emptyInput() };
        if (first) next = enterRoom(next, first.id);
        const was = gone ? `#${roomLabel(state, gone)}` : 'this room';
        const text = first ? `${was} was deleted — now in #${roomLabel(next, first)}` : `${was} was deleted`;
        next = { ...next, flash: { kind: 'info', text } };
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
      return { ...state, categories: { ...state.categories, [e.data.category.id]: sanitizeRecord(e.data.category) } };
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
      return { ...state, roles: { ...state.roles, [e.data.role.id]: sanitizeRecord(e.data.role) } };
    case 'role.deleted': {
      const id = e.data.roleId;
      const { [id]: _c, ...roles } = state.roles;
      // Nobody holds it any more (what rooms that changes for me arrives as access.changed).
      const users: AppState['users'] = {};
      for (const [uid, u] of Object.entries(state.users)) users[uid] = u.roles.includes(id) ? { ...u, roles: u.roles.filter((r) => r !== id) } : u;
      return { ...state, roles, users };
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
      return { ...next, flash: { kind: 'error', text: `could not load history: ${sanitizeDisplay(action.error)}` } };
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
        return { ...p, status: 'failed', error: sanitizeDisplay(action.error) };
      });
      return setView(state, action.roomId, { ...view, pending });
    }
    case 'read/local':
      return markRead(state, action.roomId, action.order);
    default:
      return state;
  }
}
