import type { ClientEvent } from '../decode.js';
import type { Category, Me, Message, PublicUser, Role, Room, Unread } from '../model.js';
import type { StateResult } from '../requests.js';
import { highlightHit } from '../highlight.js';
import { type JumpWindow, meets, mergeById } from './jump-window.js';
import { placeMessage, trimFront, upsertMessage } from './message-list.js';
import type { SnapshotReason } from './types.js';

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
  /**
   * Users removed from the server (kicked, banned, deleted) while this world was live: no longer members,
   * kept so that their old messages still show a name.
   */
  formerUsers: Readonly<Record<string, PublicUser>>;
  /** Every room this user can see, joined or not. */
  rooms: Readonly<Record<string, Room>>;
  /** The rooms this user is in: their messages arrive and count as unread; the others are only listed. */
  joined: Readonly<Record<string, true>>;
  categories: Readonly<Record<string, Category>>;
  roles: Readonly<Record<string, Role>>;
  /** Loaded messages per room, ascending by order, at most `maxMessagesPerRoom` (the newest are kept). */
  messages: Readonly<Record<string, readonly Message[]>>;
  /**
   * Per room: true when the oldest message of the room is loaded (a `history` page said `end`, or the room
   * was created while we watched), so there is nothing older to fetch.
   */
  historyEnd: Readonly<Record<string, boolean>>;
  /**
   * Per room: messages loaded around one far back (jumping to a search hit) that `messages` does not reach;
   * edits and deletes keep it current like `messages`. Gone once it meets `messages` (merged into it).
   */
  jumps: Readonly<Record<string, JumpWindow>>;
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
  const historyEnd: Record<string, boolean> = {};
  const jumps: Record<string, JumpWindow> = {};
  if (previous) {
    for (const [roomId, list] of Object.entries(previous.messages)) if (rooms[roomId]) messages[roomId] = list;
    for (const [roomId, jump] of Object.entries(previous.jumps)) if (rooms[roomId]) jumps[roomId] = jump;
    for (const [roomId, end] of Object.entries(previous.historyEnd)) if (rooms[roomId] && end) historyEnd[roomId] = true;
  }
  const users = byId(state.users);
  // The snapshot's users list may omit me; make sure I can always be resolved by id.
  if (!users[state.me.id]) users[state.me.id] = stripUsername(state.me);
  const formerUsers: Record<string, PublicUser> = {};
  if (previous) for (const [id, u] of Object.entries(previous.formerUsers)) if (!users[id]) formerUsers[id] = u;
  for (const u of state.formerUsers ?? []) if (!users[u.id]) formerUsers[u.id] = u;
  return {
    me: state.me,
    head: state.head,
    users,
    formerUsers,
    historyEnd,
    jumps,
    rooms,
    joined: Object.fromEntries(state.joined.filter((id) => rooms[id]).map((id) => [id, true as const])),
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

/**
 * A snapshot replaces the world, by why it was loaded: the first one starts afresh; after an access change the
 * event stream stayed complete, so loaded messages of rooms still visible are kept; after a gap too large to
 * replay they are dropped, since events in the gap will never arrive and the loaded window would have a hole.
 */
export function applySnapshot(
  previous: World | null,
  state: StateResult,
  reason: SnapshotReason,
  maxMessagesPerRoom = previous?.maxMessagesPerRoom ?? DEFAULT_MAX_MESSAGES_PER_ROOM,
): World {
  if (!previous || reason === 'initial') return worldFromState(state, undefined, maxMessagesPerRoom);
  const kept = reason === 'gap-too-large' ? { ...previous, messages: {}, historyEnd: {}, jumps: {} } : previous;
  return worldFromState(state, kept);
}

/**
 * Merge a `history` page (older messages) into a room, deduped by id and bounded. `end` (the reply's) records
 * that nothing older exists. Pages for rooms this user does not see are ignored.
 */
export function addHistory(world: World, roomId: string, page: readonly Message[], end = false): World {
  if (!world.rooms[roomId]) return world;
  const loaded = world.messages[roomId] ?? [];
  // Messages already loaded stay as they are (events kept them current); only new ids are merged in. One
  // sort of the nearly ordered whole is linear in practice, even for a page of many thousands.
  const known = new Set(loaded.map((m) => m.id));
  const fresh: Message[] = [];
  for (const m of page) {
    if (known.has(m.id)) continue;
    known.add(m.id);
    fresh.push(m);
  }
  // Older pages must not push out the newest messages: merge without the bound, then trim from the oldest end.
  let list: readonly Message[] = fresh.length ? [...fresh, ...loaded].sort((a, b) => a.order - b.order) : loaded;
  // A window trimmed at the old end no longer reaches the start of the room.
  const trimmed = list.length > world.maxMessagesPerRoom;
  if (trimmed) list = list.slice(list.length - world.maxMessagesPerRoom);
  const historyEnd = end && !trimmed ? { ...world.historyEnd, [roomId]: true } : world.historyEnd;
  return { ...world, messages: { ...world.messages, [roomId]: list }, historyEnd };
}

/**
 * Messages around one far back (a `history.around` reply: jumping to a search hit). If they reach the newest
 * message (`newerEnd`) or overlap the main list, they join it and the room stays one gap-free list; otherwise
 * they become the room's jump window, replacing any earlier one. Pages of rooms not seen are ignored.
 */
export function addJump(world: World, roomId: string, anchorId: string, page: readonly Message[], ends: { olderEnd: boolean; newerEnd: boolean }): World {
  if (!world.rooms[roomId] || page.length === 0) return world;
  return settleJump(world, roomId, { anchorId, messages: mergeById([], page), olderEnd: ends.olderEnd }, ends.newerEnd);
}

/**
 * A page next to the room's jump window: `older` (a `history` page before its oldest message, `end` when
 * nothing older exists) or `newer` (`history.around` its newest message with nothing before, `end` when it
 * reaches the newest). Orders are global, so only the request says the page is adjacent: it is merged
 * only into the window it was asked for (the same anchor), else ignored.
 */
export function extendJump(world: World, roomId: string, anchorId: string, page: readonly Message[], side: 'older' | 'newer', end: boolean): World {
  const jump = world.jumps[roomId];
  if (!jump || jump.anchorId !== anchorId) return world;
  const messages = mergeById(jump.messages, page);
  const olderEnd = side === 'older' ? end : jump.olderEnd;
  return settleJump(world, roomId, { ...jump, messages, olderEnd }, side === 'newer' && end);
}

/** Keep the window, or merge it into the main list once it meets it (or reaches the newest message). */
function settleJump(world: World, roomId: string, jump: JumpWindow, newerEnd: boolean): World {
  const live = world.messages[roomId] ?? [];
  if (jump.messages.length > 0 && (newerEnd || meets(jump.messages, live))) {
    const merged = addHistory({ ...world, jumps: without(world.jumps, roomId) }, roomId, jump.messages, jump.olderEnd);
    // A bounded main list (a bot's) may have had to drop the window's far end: keep the window then.
    if (merged.messages[roomId]?.some((m) => m.id === jump.anchorId)) return merged;
  }
  return { ...world, jumps: { ...world.jumps, [roomId]: jump } };
}

/** Leave a room's jump window (back to the newest messages): what it held is dropped. */
export function dropJump(world: World, roomId: string): World {
  return Object.hasOwn(world.jumps, roomId) ? { ...world, jumps: without(world.jumps, roomId) } : world;
}

function editInJump(world: World, m: Message): World {
  const jump = world.jumps[m.roomId];
  const at = jump ? jump.messages.findIndex((x) => x.id === m.id) : -1;
  if (!jump || at < 0) return world;
  const messages = jump.messages.slice();
  messages[at] = m;
  return { ...world, jumps: { ...world.jumps, [m.roomId]: { ...jump, messages } } };
}

function deleteInJump(world: World, roomId: string, messageId: string): World {
  const jump = world.jumps[roomId];
  if (!jump || !jump.messages.some((x) => x.id === messageId)) return world;
  return { ...world, jumps: { ...world.jumps, [roomId]: { ...jump, messages: jump.messages.filter((x) => x.id !== messageId) } } };
}

/**
 * A message learned from a reply (`message.send`) before its `message.created` event: applied as the event
 * would be, so the event that follows finds it and changes nothing.
 */
export function addMessage(world: World, message: Message): World {
  return insertCreated(world, message);
}

/** Move this user's read marker (forward only) and recount unread: for `read.marked`, and locally as we send `read.mark`. */
export function markRead(world: World, roomId: string, order: number): World {
  if (!world.rooms[roomId] || order <= (world.readMarkers[roomId] ?? 0)) return world;
  const moved = { ...world, readMarkers: { ...world.readMarkers, [roomId]: order } };
  return { ...moved, unread: { ...world.unread, [roomId]: recountUnread(moved, roomId, order) } };
}

/** A `presence` notice: ephemeral, so outside the event stream and `head`. */
export function applyPresence(world: World, userId: string, online: boolean): World {
  const u = world.users[userId];
  if (!u || u.online === online) return world;
  return { ...world, users: { ...world.users, [userId]: { ...u, online } } };
}

/** Rooms of `next` that `prev` did not have, and rooms of `prev` that are gone from `next` (deleted or hidden). */
export function roomChanges(prev: Pick<World, 'rooms'> | null, next: Pick<World, 'rooms'>): { gained: string[]; lost: string[] } {
  const before = prev?.rooms ?? {};
  return {
    gained: Object.keys(next.rooms).filter((id) => !before[id]),
    lost: Object.keys(before).filter((id) => !next.rooms[id]),
  };
}

/** The user by id, including those removed since (for the names on their old messages). */
export const userById = (world: Pick<World, 'users' | 'formerUsers'>, id: string): PublicUser | undefined =>
  world.users[id] ?? world.formerUsers[id];

/** A new message: inserted in order (bounded), counted as unread unless it is mine or already read. */
function insertCreated(world: World, m: Message): World {
  // A message of a room we do not see (cannot happen with a correct server) would only leak memory.
  if (!world.rooms[m.roomId]) return world;
  const list = world.messages[m.roomId] ?? [];
  // Known already (the reply beat the event, or a replayed frame): nothing changes, identity included. An id
  // always comes with the same order, so a message newer than the newest loaded one is new (the common case).
  const last = list[list.length - 1];
  if (last && m.order <= last.order && list.some((x) => x.id === m.id)) return world;
  const messages = { ...world.messages, [m.roomId]: upsertMessage(list, m, world.maxMessagesPerRoom) };
  const unread = countsAsUnread(world, m) ? bumpUnread(world, m, 1) : world.unread;
  return { ...world, messages, unread };
}

const countsAsUnread = (world: World, m: Message): boolean =>
  m.authorId !== world.me.id && m.order > (world.readMarkers[m.roomId] ?? 0);

/**
 * Does the message mention me: by nickname (the server lists me in `mentions`), or by one of my private
 * highlight words (matched here exactly as the server counts them; they are never listed in `mentions`).
 */
export const mentionsMe = (world: Pick<World, 'me'>, m: Message): boolean =>
  m.mentions?.includes(world.me.id) === true || (m.authorId !== world.me.id && highlightHit(m.text, world.me.highlights));

function bumpUnread(world: World, m: Message, delta: 1 | -1): Record<string, Unread> {
  return { ...world.unread, [m.roomId]: bumped(world, world.unread[m.roomId], m, delta) };
}

function bumped(world: World, cur: Unread | undefined, m: Message, delta: 1 | -1): Unread {
  const mentioned = mentionsMe(world, m) ? delta : 0;
  return { count: Math.max(0, (cur?.count ?? 0) + delta), mentions: Math.max(0, (cur?.mentions ?? 0) + mentioned) };
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
      mentions: unreadLoaded.filter((m) => mentionsMe(world, m)).length,
    };
  }
  // Nothing at all is newer than the marker: everything is read.
  if (marker >= world.head) return { count: 0, mentions: 0 };
  // The loaded window starts after the marker, so some unread messages are not loaded: keep the server's
  // count (it covered them), but never report fewer than the unread messages we can see.
  return { count: Math.max(cur.count, unreadLoaded.length), mentions: cur.mentions };
}

/** Is this user in the room (its messages reach them)? */
export const isJoined = (world: Pick<World, 'joined'>, roomId: string): boolean => world.joined[roomId] === true;

/**
 * I joined or left a room. Messages sent while I was out never reached me, so what was loaded of the room
 * is dropped either way: on joining, the client loads its history afresh.
 */
function setJoined(world: World, roomId: string, joined: boolean): World {
  if (!world.rooms[roomId] || isJoined(world, roomId) === joined) return world;
  return {
    ...world,
    joined: joined ? { ...world.joined, [roomId]: true } : without(world.joined, roomId),
    messages: without(world.messages, roomId),
    historyEnd: without(world.historyEnd, roomId),
    jumps: without(world.jumps, roomId),
    unread: joined ? { ...world.unread, [roomId]: { count: 0, mentions: 0 } } : without(world.unread, roomId),
  };
}

function removeRoom(world: World, roomId: string): World {
  return {
    ...world,
    rooms: without(world.rooms, roomId),
    joined: without(world.joined, roomId),
    messages: without(world.messages, roomId),
    historyEnd: without(world.historyEnd, roomId),
    jumps: without(world.jumps, roomId),
    readMarkers: without(world.readMarkers, roomId),
    unread: without(world.unread, roomId),
  };
}

/**
 * Apply a run of events (OdClient's `events` hands over a page at a time): the same world as `applyEvent`
 * one event after the other, but a run of new messages copies each room's list and the unread counts once
 * instead of once per message. Replaying a long log, that copy (up to `maxMessagesPerRoom` per message) and
 * its garbage were most of the fold's cost.
 */
export function applyEvents(world: World, events: readonly ClientEvent[]): World {
  let w = world;
  let run: Message[] = [];
  let runHead = 0;
  for (const e of events) {
    if (e.type === 'message.created') {
      run.push(e.data.message);
      runHead = Math.max(runHead, e.order);
      continue;
    }
    if (run.length) w = insertCreatedRun(w, run, runHead);
    run = [];
    w = applyEvent(w, e);
  }
  return run.length ? insertCreatedRun(w, run, runHead) : w;
}

/** insertCreated for each of `run` in turn (then `head` up to `runHead`), with one working copy per room. */
function insertCreatedRun(world: World, run: readonly Message[], runHead: number): World {
  // Between the messages of a run only lists and unread counts change: rooms, me and read markers do not.
  const lists = new Map<string, Message[]>();
  let unread: Record<string, Unread> | null = null;
  const max = world.maxMessagesPerRoom;
  for (const m of run) {
    if (!world.rooms[m.roomId]) continue;
    let list = lists.get(m.roomId);
    const current = list ?? world.messages[m.roomId] ?? [];
    const last = current[current.length - 1];
    if (last && m.order <= last.order) {
      // Looking past the newest: the working copy must be bounded first, as it would be after each message.
      if (list) trimFront(list, max);
      if (current.some((x) => x.id === m.id)) continue;
    }
    if (!list) lists.set(m.roomId, (list = current.slice()));
    placeMessage(list, m);
    if (countsAsUnread(world, m)) {
      unread ??= { ...world.unread };
      unread[m.roomId] = bumped(world, unread[m.roomId], m, 1);
    }
  }
  const head = Math.max(world.head, runHead);
  if (lists.size === 0 && head === world.head) return world;
  const messages = lists.size ? { ...world.messages } : world.messages;
  for (const [roomId, list] of lists) {
    trimFront(list, max);
    (messages as Record<string, readonly Message[]>)[roomId] = list;
  }
  return { ...world, messages, unread: unread ?? world.unread, head };
}

/** Apply one event. Unknown event types (from a newer server) only advance `head`. */
export function applyEvent(world: World, event: ClientEvent): World {
  const next = applyChange(world, event);
  if (event.order <= next.head) return next;
  if (next === world) return { ...world, head: event.order };
  // A world applyChange returned other than its input was made by it just now and is not shared yet: set
  // its head instead of copying it a second time (the copy per event counts when catching up).
  (next as { head: number }).head = event.order;
  return next;
}

function applyChange(world: World, event: ClientEvent): World {
  switch (event.type) {
    case 'user.joined':
    case 'user.updated': {
      const user = event.data.user;
      // Public events never carry my username or my private highlight words: keep them.
      const me =
        user.id === world.me.id
          ? { ...user, username: world.me.username, ...(world.me.highlights && { highlights: world.me.highlights }) }
          : world.me;
      return { ...world, me, users: { ...world.users, [user.id]: user } };
    }
    case 'user.removed': {
      const gone = world.users[event.data.userId];
      const formerUsers = gone ? { ...world.formerUsers, [gone.id]: gone } : world.formerUsers;
      return { ...world, users: without(world.users, event.data.userId), formerUsers };
    }
    case 'room.created':
    case 'room.updated': {
      const room = event.data.room;
      // A room created while we watch has no older history to fetch.
      const fresh = event.type === 'room.created' && !world.rooms[room.id];
      const historyEnd = fresh ? { ...world.historyEnd, [room.id]: true } : world.historyEnd;
      // The creator is in the room from the start (the protocol implies it; no room.joined follows).
      const joined = fresh && event.actorId === world.me.id ? { ...world.joined, [room.id]: true as const } : world.joined;
      return { ...world, rooms: { ...world.rooms, [room.id]: room }, historyEnd, joined };
    }
    case 'room.deleted':
      return removeRoom(world, event.data.roomId);
    case 'room.joined':
    case 'room.left':
      // Others joining and leaving change nothing this model shows (member lists are asked for).
      if (event.data.userId !== world.me.id) return world;
      return setJoined(world, event.data.roomId, event.type === 'room.joined');
    case 'message.created':
      return insertCreated(world, event.data.message);
    case 'message.edited': {
      const m = event.data.message;
      const w = editInJump(world, m);
      const list = w.messages[m.roomId];
      // An edit of a message outside the loaded window changes nothing we show.
      if (!list || !list.some((x) => x.id === m.id)) return w;
      return { ...w, messages: { ...w.messages, [m.roomId]: upsertMessage(list, m, w.maxMessagesPerRoom) } };
    }
    case 'message.deleted': {
      const { roomId, messageId } = event.data;
      const w = deleteInJump(world, roomId, messageId);
      const list = w.messages[roomId];
      const gone = list?.find((x) => x.id === messageId);
      if (!list || !gone) return w;
      const unread = countsAsUnread(w, gone) ? bumpUnread(w, gone, -1) : w.unread;
      return { ...w, messages: { ...w.messages, [roomId]: list.filter((x) => x.id !== messageId) }, unread };
    }
    case 'read.marked':
      return markRead(world, event.data.roomId, event.data.order);
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
