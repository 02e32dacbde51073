import type { ClientEvent } from '../decode.js';
import type { Category, Me, Message, PublicUser, Role, Room, Unread } from '../model.js';
import type { StateResult } from '../requests.js';

/**
 * A pure, immutable model of what one user sees: the state snapshot plus every event applied since.
 * Shared by the TUI and bots. `applyEvent` never mutates its input and returns the same object when an
 * event changes nothing, so React-style consumers can compare by identity.
 */
export interface World {
  me: Me;
  /** The highest order applied (or the snapshot's head). */
  head: number;
  users: Readonly<Record<string, PublicUser>>;
  rooms: Readonly<Record<string, Room>>;
  categories: Readonly<Record<string, Category>>;
  roles: Readonly<Record<string, Role>>;
  /** Loaded messages per room, ascending by order, at most `maxMessagesPerRoom` (the newest are kept). */
  messages: Readonly<Record<string, readonly Message[]>>;
  /** Per room: the order this user last marked read. */
  readMarkers: Readonly<Record<string, number>>;
  unread: Readonly<Record<string, Unread>>;
  maxMessagesPerRoom: number;
}

export const DEFAULT_MAX_MESSAGES_PER_ROOM = 500;

const byId = <T extends { id: string }>(items: readonly T[]): Record<string, T> =>
  Object.fromEntries(items.map((i) => [i.id, i]));

const without = <T>(rec: Readonly<Record<string, T>>, key: string): Record<string, T> => {
  if (!Object.hasOwn(rec, key)) return rec as Record<string, T>;
  const { [key]: _gone, ...rest } = rec;
  return rest;
};

/**
 * Build a world from a `state` result. Pass the previous world to keep the messages already loaded for rooms
 * that are still visible (a snapshot carries no messages; throwing them away would blank every screen).
 */
export function worldFromState(
  state: StateResult,
  previous?: World,
  maxMessagesPerRoom = previous?.maxMessagesPerRoom ?? DEFAULT_MAX_MESSAGES_PER_ROOM,
): World {
  const rooms = byId(state.rooms);
  const messages: Record<string, readonly Message[]> = {};
  if (previous) for (const [roomId, list] of Object.entries(previous.messages)) if (rooms[roomId]) messages[roomId] = list;
  const users = byId(state.users);
  // The snapshot's users list may omit me; make sure I can always be resolved by id.
  if (!users[state.me.id]) users[state.me.id] = stripUsername(state.me);
  return {
    me: state.me,
    head: state.head,
    users,
    rooms,
    categories: byId(state.categories),
    roles: byId(state.roles),
    messages,
    readMarkers: { ...state.readMarkers },
    unread: { ...state.unread },
    maxMessagesPerRoom,
  };
}

function stripUsername(me: Me): PublicUser {
  const { username: _u, ...pub } = me;
  return pub;
}

/** Insert or replace one message, keeping the list ascending by order and bounded. */
function upsertMessage(list: readonly Message[], message: Message, max: number): readonly Message[] {
  const at = list.findIndex((m) => m.id === message.id);
  if (at >= 0) {
    const next = list.slice();
    next[at] = message;
    return next;
  }
  let i = list.length;
  while (i > 0 && list[i - 1]!.order > message.order) i--;
  const next = [...list.slice(0, i), message, ...list.slice(i)];
  return next.length > max ? next.slice(next.length - max) : next;
}

/** Merge a `history` page (older messages) into a room, deduped by id and bounded. */
export function addHistory(world: World, roomId: string, page: readonly Message[]): World {
  let list = world.messages[roomId] ?? [];
  // Older pages must not push out the newest messages, so merge without the bound and trim from the oldest
  // end only when the page itself would exceed it.
  for (const m of page) list = upsertMessage(list, m, Number.MAX_SAFE_INTEGER);
  if (list.length > world.maxMessagesPerRoom) list = list.slice(list.length - world.maxMessagesPerRoom);
  return { ...world, messages: { ...world.messages, [roomId]: list } };
}

const countsAsUnread = (world: World, m: Message): boolean =>
  m.authorId !== world.me.id && m.order > (world.readMarkers[m.roomId] ?? 0);

function bumpUnread(world: World, m: Message, delta: 1 | -1): Record<string, Unread> {
  const cur = world.unread[m.roomId] ?? { count: 0, mentions: 0 };
  const mentioned = m.mentions?.includes(world.me.id) ? delta : 0;
  return {
    ...world.unread,
    [m.roomId]: { count: Math.max(0, cur.count + delta), mentions: Math.max(0, cur.mentions + mentioned) },
  };
}

/**
 * After a read marker moves, recount from the loaded messages. Exact when the loaded window reaches back
 * to the marker; otherwise it keeps the unread messages older than the window, which the server counted.
 */
function recountUnread(world: World, roomId: string, marker: number): Unread {
  const list = world.messages[roomId] ?? [];
  const unreadLoaded = list.filter((m) => m.order > marker && m.authorId !== world.me.id);
  const first = list[0];
  const cur = world.unread[roomId] ?? { count: 0, mentions: 0 };
  if (first && first.order <= marker) {
    return {
      count: unreadLoaded.length,
      mentions: unreadLoaded.filter((m) => m.mentions?.includes(world.me.id)).length,
    };
  }
  // Nothing at all is newer than the marker: everything is read.
  if (marker >= world.head) return { count: 0, mentions: 0 };
  // The loaded window starts after the marker, so some unread messages are not loaded: keep the server's
  // count (it covered them), but never report fewer than the unread messages we can see.
  return { count: Math.max(cur.count, unreadLoaded.length), mentions: cur.mentions };
}

function removeRoom(world: World, roomId: string): World {
  return {
    ...world,
    rooms: without(world.rooms, roomId),
    messages: without(world.messages, roomId),
    readMarkers: without(world.readMarkers, roomId),
    unread: without(world.unread, roomId),
  };
}

/** Apply one event. Unknown event types (from a newer server) only advance `head`. */
export function applyEvent(world: World, event: ClientEvent): World {
  const next = applyChange(world, event);
  return event.order > next.head ? { ...next, head: event.order } : next;
}

function applyChange(world: World, event: ClientEvent): World {
  switch (event.type) {
    case 'user.joined':
    case 'user.updated': {
      const user = event.data.user;
      const me = user.id === world.me.id ? { ...user, username: world.me.username } : world.me;
      return { ...world, me, users: { ...world.users, [user.id]: user } };
    }
    case 'user.removed':
      return { ...world, users: without(world.users, event.data.userId) };
    case 'room.created':
    case 'room.updated': {
      const room = event.data.room;
      return { ...world, rooms: { ...world.rooms, [room.id]: room } };
    }
    case 'room.deleted':
      return removeRoom(world, event.data.roomId);
    case 'message.created': {
      const m = event.data.message;
      const list = world.messages[m.roomId] ?? [];
      const known = list.some((x) => x.id === m.id);
      const messages = { ...world.messages, [m.roomId]: upsertMessage(list, m, world.maxMessagesPerRoom) };
      const unread = !known && countsAsUnread(world, m) ? bumpUnread(world, m, 1) : world.unread;
      return { ...world, messages, unread };
    }
    case 'message.edited': {
      const m = event.data.message;
      const list = world.messages[m.roomId];
      // An edit of a message outside the loaded window changes nothing we show.
      if (!list || !list.some((x) => x.id === m.id)) return world;
      return { ...world, messages: { ...world.messages, [m.roomId]: upsertMessage(list, m, world.maxMessagesPerRoom) } };
    }
    case 'message.deleted': {
      const { roomId, messageId } = event.data;
      const list = world.messages[roomId];
      const gone = list?.find((x) => x.id === messageId);
      if (!list || !gone) return world;
      const unread = countsAsUnread(world, gone) ? bumpUnread(world, gone, -1) : world.unread;
      return { ...world, messages: { ...world.messages, [roomId]: list.filter((x) => x.id !== messageId) }, unread };
    }
    case 'read.marked': {
      const { roomId, order } = event.data;
      const marker = Math.max(world.readMarkers[roomId] ?? 0, order);
      const moved = { ...world, readMarkers: { ...world.readMarkers, [roomId]: marker } };
      return { ...moved, unread: { ...world.unread, [roomId]: recountUnread(moved, roomId, marker) } };
    }
    case 'category.created':
    case 'category.updated': {
      const c = event.data.category;
      return { ...world, categories: { ...world.categories, [c.id]: c } };
    }
    case 'category.deleted': {
      const id = event.data.categoryId;
      // Rooms of a deleted category become uncategorised (the server may also send room.updated for each).
      const rooms: Record<string, Room> = {};
      for (const [rid, r] of Object.entries(world.rooms)) rooms[rid] = r.categoryId === id ? { ...r, categoryId: null } : r;
      return { ...world, categories: without(world.categories, id), rooms };
    }
    case 'role.created':
    case 'role.updated': {
      const role = event.data.role;
      return { ...world, roles: { ...world.roles, [role.id]: role } };
    }
    case 'role.deleted': {
      const id = event.data.roleId;
      const users: Record<string, PublicUser> = {};
      for (const [uid, u] of Object.entries(world.users)) users[uid] = u.roles.includes(id) ? { ...u, roles: u.roles.filter((r) => r !== id) } : u;
      const me = world.me.roles.includes(id) ? { ...world.me, roles: world.me.roles.filter((r) => r !== id) } : world.me;
      return { ...world, roles: without(world.roles, id), users, me };
    }
    case 'access.changed':
      // The visible set of rooms changed; the client reloads `state` (a `snapshot` follows).
      return world;
    case 'unknown':
      return world;
  }
}
