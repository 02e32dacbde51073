import type { ClientEvent } from '../decode.js';
import { DEFAULT_NOTIFY } from '../model.js';
import type { Category, Me, Message, NotifyDefaults, PresenceStatus, PublicUser, Role, Room, RoomSettings, Unread } from '../model.js';
import type { StateResult } from '../requests.js';
import { highlightHit } from '../highlight.js';
import { type JumpWindow, meets, mergeById } from './jump-window.js';
import { placeMessage, trimFront, upsertMessage } from './message-list.js';
import { withReaction } from './reactions.js';
import { effectiveMarker, type FollowedThreadState, newerSummary, summaryAfterReply, threadBadgeOf } from './world-threads.js';
import type { SnapshotReason } from './types.js';
import { applyVoiceEvent, voiceFromState, type VoiceRooms } from './world-voice.js';

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
  /** This user's own settings per room, for the rooms they changed any of. */
  roomSettings: Readonly<Record<string, RoomSettings>>;
  notifyDefaults: NotifyDefaults;
  /** Per direct or group chat: how far each other member has read it (read receipts). */
  receipts: Readonly<Record<string, Readonly<Record<string, number>>>>;
  maxMessagesPerRoom: number;
  /** Loaded replies per thread (by root id), ascending, bounded like a room; not in `messages` unless alsoInRoom. */
  threads: Readonly<Record<string, readonly Message[]>>;
  /** The threads this user follows (by root id), in joined rooms, with their level and unread counts. */
  followed: Readonly<Record<string, FollowedThreadState>>;
  /** The users this user blocked (private to them): clients hide their messages. */
  blocked: Readonly<Record<string, true>>;
  /** Per voice room this user can see: who is in it (voice.joined/left/updated). */
  voice: VoiceRooms;
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
  const threads: Record<string, readonly Message[]> = {};
  const jumps: Record<string, JumpWindow> = {};
  if (previous) {
    for (const [roomId, list] of Object.entries(previous.messages)) if (rooms[roomId]) messages[roomId] = list;
    for (const [rootId, list] of Object.entries(previous.threads)) if (list[0] && rooms[list[0].roomId]) threads[rootId] = list;
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
    roomSettings: Object.fromEntries((state.roomSettings ?? []).filter((x) => rooms[x.roomId]).map((x) => [x.roomId, x])),
    notifyDefaults: state.notifyDefaults ?? DEFAULT_NOTIFY,
    receipts: { ...state.receipts },
    maxMessagesPerRoom,
    threads,
    followed: Object.fromEntries(Object.entries(state.threads ?? {}).map(([id, f]) => [id, { ...f, since: state.head }])),
    blocked: Object.fromEntries((state.blocked ?? []).map((id) => [id, true as const])),
    voice: voiceFromState(state.voice, rooms),
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
  const kept = reason === 'gap-too-large' ? { ...previous, messages: {}, historyEnd: {}, threads: {}, jumps: {} } : previous;
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
  const recounted = { ...moved, unread: { ...world.unread, [roomId]: recountUnread(moved, roomId, order) } };
  // Marking a room read reads its followed threads up to the same order.
  let followed: Record<string, FollowedThreadState> | null = null;
  for (const [id, f] of Object.entries(world.followed)) {
    if (f.roomId !== roomId) continue;
    followed ??= { ...world.followed };
    followed[id] = { ...f, unread: recountThread(recounted, id, f) };
  }
  return followed ? { ...recounted, followed } : recounted;
}

/**
 * Move a thread's read marker (forward only) and recount: for `thread.read`, and locally as we send it.
 * Only followed threads keep counts; a marker of another thread matters once it is followed, and a follow
 * starts read up to its own order.
 */
export function markThreadRead(world: World, threadId: string, order: number): World {
  const f = world.followed[threadId];
  if (!f || order <= f.readOrder) return world;
  const moved = { ...f, readOrder: order };
  return { ...world, followed: { ...world.followed, [threadId]: { ...moved, unread: recountThread(world, threadId, moved) } } };
}

/**
 * Recount a followed thread after a marker moved: exact when every reply after the marker has been seen
 * (the marker is at or past `since`, and the loaded list was not trimmed past it); otherwise, as for rooms,
 * keep the server's count but never report fewer than the unread replies loaded.
 */
function recountThread(world: World, threadId: string, f: FollowedThreadState): Unread {
  const marker = effectiveMarker(f, world.readMarkers[f.roomId]);
  if (marker >= world.head) return { count: 0, mentions: 0 };
  const list = world.threads[threadId] ?? [];
  const unreadLoaded = list.filter((m) => m.order > marker && m.authorId !== world.me.id);
  const complete = marker >= f.since && (list.length < world.maxMessagesPerRoom || (list[0]?.order ?? Infinity) <= marker);
  const counted = { count: unreadLoaded.length, mentions: unreadLoaded.filter((m) => mentionsMe(world, m)).length };
  if (complete) return counted;
  return { count: Math.max(f.unread.count, counted.count), mentions: Math.max(f.unread.mentions, counted.mentions) };
}

/** Merge a `thread.history` page into a thread's loaded replies (deduped, bounded), and its root into the room. */
export function addThreadHistory(world: World, threadId: string, page: readonly Message[], root?: Message): World {
  let w = world;
  if (root && w.rooms[root.roomId]) {
    const list = w.messages[root.roomId] ?? [];
    const at = list.findIndex((m) => m.id === root.id);
    if (at >= 0) {
      const thread = newerSummary(list[at]!.thread, root.thread);
      const next = list.slice();
      next[at] = thread ? { ...list[at]!, thread } : list[at]!;
      w = { ...w, messages: { ...w.messages, [root.roomId]: next } };
    }
  }
  const fresh = page.filter((m) => w.rooms[m.roomId] && m.threadId === threadId);
  if (!fresh.length) return w;
  const loaded = w.threads[threadId] ?? [];
  const known = new Set(loaded.map((m) => m.id));
  let list: readonly Message[] = [...fresh.filter((m) => !known.has(m.id)), ...loaded].sort((a, b) => a.order - b.order);
  if (list.length > w.maxMessagesPerRoom) list = list.slice(list.length - w.maxMessagesPerRoom);
  return { ...w, threads: { ...w.threads, [threadId]: list } };
}

/** A followed thread's raw unread counts (replies by others after its effective marker). */
export const threadUnread = (world: Pick<World, 'followed'>, threadId: string): Unread | undefined => world.followed[threadId]?.unread;

/** A thread's badge as its level and mute ask (zero for a thread not followed). */
export const threadBadge = (world: Pick<World, 'followed'>, threadId: string): Unread => {
  const f = world.followed[threadId];
  return f ? threadBadgeOf(f) : { count: 0, mentions: 0 };
};

/** The sum of a room's followed threads' badges: the room list's thread badge. */
export function roomThreadBadge(world: Pick<World, 'followed'>, roomId: string): Unread {
  let count = 0;
  let mentions = 0;
  for (const f of Object.values(world.followed)) {
    if (f.roomId !== roomId) continue;
    const b = threadBadgeOf(f);
    count += b.count;
    mentions += b.mentions;
  }
  return { count, mentions };
}

/**
 * My marker moved back (`read.unmarked`): the room is unread from there again. The server's counts in the
 * event are exact (what lies between the new marker and the loaded window is unknown here: deleted
 * messages, or unloaded ones); mentions never fewer than the loaded ones that highlight me (a highlight
 * word is the client's own). Without them (an older server), recounted from the loaded messages.
 */
function unmarkRead(world: World, roomId: string, order: number, counted?: Unread): World {
  if (!world.rooms[roomId] || order >= (world.readMarkers[roomId] ?? 0)) return world;
  const moved = { ...world, readMarkers: { ...world.readMarkers, [roomId]: order } };
  const local = recountUnread(moved, roomId, order);
  const unread = counted ? { count: counted.count, mentions: Math.max(counted.mentions, local.mentions) } : local;
  return { ...moved, unread: { ...world.unread, [roomId]: unread } };
}

/** Is this a direct or group chat that lists me as a member (so I am in it)? */
const memberOf = (world: Pick<World, 'me'>, room: Room): boolean => room.kind !== 'text' && room.members?.includes(world.me.id) === true;

/** A member joined or left a direct or group chat: its member list follows; a leaver's receipt goes. */
function chatMembers(world: World, roomId: string, userId: string, joined: boolean): World {
  const room = world.rooms[roomId];
  if (!room || room.kind === 'text' || !room.members) return world;
  const has = room.members.includes(userId);
  if (has === joined) return world;
  const members = joined ? [...room.members, userId].sort() : room.members.filter((id) => id !== userId);
  // A member who goes is no admin of it either.
  const admins = !joined && room.admins?.includes(userId) ? { admins: room.admins.filter((id) => id !== userId) } : {};
  const receipts = !joined && world.receipts[roomId] ? { ...world.receipts, [roomId]: without(world.receipts[roomId]!, userId) } : world.receipts;
  return { ...world, rooms: { ...world.rooms, [roomId]: { ...room, members, ...admins } }, receipts };
}

/** A `presence` notice: ephemeral, so outside the event stream and `head`. */
export function applyPresence(world: World, userId: string, online: boolean, status: PresenceStatus = online ? 'online' : 'offline'): World {
  const u = world.users[userId];
  if (!u || (u.online === online && u.presence === status)) return world;
  return { ...world, users: { ...world.users, [userId]: { ...u, online, presence: status } } };
}

/** A `presence.all` notice: everyone listed has that status, everyone else is offline. */
export function applyPresenceAll(world: World, present: ReadonlyArray<{ userId: string; status: PresenceStatus }>): World {
  const status = new Map(present.map((p) => [p.userId, p.status]));
  let users: Record<string, PublicUser> | null = null;
  for (const [id, u] of Object.entries(world.users)) {
    const s = status.get(id) ?? 'offline';
    if (u.presence === s && u.online === (s !== 'offline')) continue;
    users ??= { ...world.users };
    users[id] = { ...u, online: s !== 'offline', presence: s };
  }
  return users ? { ...world, users } : world;
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
  if (m.threadId) return insertReply(world, m, m.threadId);
  const list = world.messages[m.roomId] ?? [];
  // Known already (the reply beat the event, or a replayed frame): nothing changes, identity included. An id
  // always comes with the same order, so a message newer than the newest loaded one is new (the common case).
  const last = list[list.length - 1];
  if (last && m.order <= last.order && list.some((x) => x.id === m.id)) return world;
  const messages = { ...world.messages, [m.roomId]: upsertMessage(list, m, world.maxMessagesPerRoom) };
  const unread = countsAsUnread(world, m) ? bumpUnread(world, m, 1) : world.unread;
  return { ...world, messages, unread };
}

/**
 * A thread reply: kept with its thread, counted on its root's summary and, if the thread is followed, in
 * its unread; shown (and counted) in the room too only when `alsoInRoom`.
 */
function insertReply(world: World, m: Message, threadId: string): World {
  const loaded = world.threads[threadId] ?? [];
  const last = loaded[loaded.length - 1];
  if (last && m.order <= last.order && loaded.some((x) => x.id === m.id)) return world;
  let w: World = { ...world, threads: { ...world.threads, [threadId]: upsertMessage(loaded, m, world.maxMessagesPerRoom) } };
  const roomList = w.messages[m.roomId];
  const at = roomList ? roomList.findIndex((x) => x.id === threadId) : -1;
  if (roomList && at >= 0 && m.order > (roomList[at]!.thread?.lastOrder ?? 0)) {
    const next = roomList.slice();
    next[at] = { ...roomList[at]!, thread: summaryAfterReply(roomList[at]!.thread, m) };
    w = { ...w, messages: { ...w.messages, [m.roomId]: next } };
  }
  if (m.alsoInRoom) {
    const list = w.messages[m.roomId] ?? [];
    w = { ...w, messages: { ...w.messages, [m.roomId]: upsertMessage(list, m, w.maxMessagesPerRoom) } };
    if (countsAsUnread(w, m)) w = { ...w, unread: bumpUnread(w, m, 1) };
  }
  const f = w.followed[threadId];
  if (f && m.authorId !== w.me.id && m.order > effectiveMarker(f, w.readMarkers[m.roomId])) {
    const mentioned = mentionsMe(w, m) ? 1 : 0;
    const unread = { count: f.unread.count + 1, mentions: f.unread.mentions + mentioned };
    w = { ...w, followed: { ...w.followed, [threadId]: { ...f, unread } } };
  }
  return w;
}

/** A reply left its thread (deleted): out of the loaded replies, and out of the thread's unread if counted. */
function removeReply(world: World, roomId: string, messageId: string): World {
  for (const [threadId, list] of Object.entries(world.threads)) {
    if (list[0]?.roomId !== roomId) continue;
    const gone = list.find((x) => x.id === messageId);
    if (!gone) continue;
    let w: World = { ...world, threads: { ...world.threads, [threadId]: list.filter((x) => x.id !== messageId) } };
    const f = w.followed[threadId];
    if (f && gone.authorId !== w.me.id && gone.order > effectiveMarker(f, w.readMarkers[roomId])) {
      const unread = { count: Math.max(0, f.unread.count - 1), mentions: Math.max(0, f.unread.mentions - (mentionsMe(w, gone) ? 1 : 0)) };
      w = { ...w, followed: { ...w.followed, [threadId]: { ...f, unread } } };
    }
    return w;
  }
  return world;
}

/** Without the followed threads and loaded replies of a room (left, deleted or hidden). */
function withoutRoomThreads(world: World, roomId: string): Pick<World, 'threads' | 'followed'> {
  const threads = Object.fromEntries(Object.entries(world.threads).filter(([, l]) => l[0]?.roomId !== roomId));
  const followed = Object.fromEntries(Object.entries(world.followed).filter(([, f]) => f.roomId !== roomId));
  return { threads, followed };
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
    ...withoutRoomThreads(world, roomId),
    joined: joined ? { ...world.joined, [roomId]: true } : without(world.joined, roomId),
    messages: without(world.messages, roomId),
    historyEnd: without(world.historyEnd, roomId),
    jumps: without(world.jumps, roomId),
    unread: joined ? { ...world.unread, [roomId]: { count: 0, mentions: 0 } } : without(world.unread, roomId),
  };
}

/**
 * A room's retention horizon moved: every message up to `through` is gone on the server, so it goes here too
 * (with the threads of those roots and a jump window reaching back there). When loaded messages reached the
 * horizon, what is left starts right after it: there is nothing older to load.
 */
function expireThrough(world: World, roomId: string, through: number): World {
  const list = world.messages[roomId];
  const kept = list?.filter((m) => m.order > through);
  const dropped = new Set(list?.filter((m) => m.order <= through).map((m) => m.id));
  const goneThread = (rootId: string, replies: readonly Message[]) =>
    replies[0]?.roomId === roomId && (dropped.has(rootId) || replies.every((r) => r.order <= through));
  const threads = Object.fromEntries(Object.entries(world.threads).filter(([id, l]) => !goneThread(id, l)));
  const followed = Object.fromEntries(Object.entries(world.followed).filter(([id, f]) => f.roomId !== roomId || !dropped.has(id)));
  const jump = world.jumps[roomId];
  const jumps = jump && jump.messages.some((m) => m.order <= through) ? without(world.jumps, roomId) : world.jumps;
  return {
    ...world,
    threads,
    followed,
    jumps,
    messages: kept && kept.length !== list!.length ? { ...world.messages, [roomId]: kept } : world.messages,
    historyEnd: dropped.size > 0 ? { ...world.historyEnd, [roomId]: true } : world.historyEnd,
  };
}

function removeRoom(world: World, roomId: string): World {
  return {
    ...world,
    ...withoutRoomThreads(world, roomId),
    rooms: without(world.rooms, roomId),
    joined: without(world.joined, roomId),
    messages: without(world.messages, roomId),
    historyEnd: without(world.historyEnd, roomId),
    jumps: without(world.jumps, roomId),
    readMarkers: without(world.readMarkers, roomId),
    unread: without(world.unread, roomId),
    roomSettings: without(world.roomSettings, roomId),
    receipts: without(world.receipts, roomId),
    voice: without(world.voice, roomId),
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
    if (e.type === 'message.created' && e.data.message.threadId === undefined) {
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
      // Public events never carry my username, my private highlight words or presence mode: keep them.
      // Presence is not in events either (it travels as frames): keep what we know.
      const before = world.users[user.id];
      const live = before?.online !== undefined ? { online: before.online, ...(before.presence && { presence: before.presence }) } : {};
      const me =
        user.id === world.me.id
          ? {
              ...user,
              username: world.me.username,
              ...(world.me.highlights && { highlights: world.me.highlights }),
              ...(world.me.presenceMode && { presenceMode: world.me.presenceMode }),
              ...(world.me.online !== undefined && { online: world.me.online }),
            }
          : world.me;
      return { ...world, me, users: { ...world.users, [user.id]: { ...user, ...live } } };
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
      // The creator is in the room from the start (the protocol implies it; no room.joined follows), and so
      // is every member a direct or group chat lists.
      const joined = (fresh && event.actorId === world.me.id) || memberOf(world, room) ? { ...world.joined, [room.id]: true as const } : world.joined;
      const next = { ...world, rooms: { ...world.rooms, [room.id]: room }, historyEnd, joined };
      const through = room.expiredThrough ?? 0;
      return through > (world.rooms[room.id]?.expiredThrough ?? 0) ? expireThrough(next, room.id, through) : next;
    }
    case 'room.deleted':
      return removeRoom(world, event.data.roomId);
    case 'room.joined':
    case 'room.left': {
      // A direct or group chat lists its members; for text rooms member lists are asked for instead.
      const w = chatMembers(world, event.data.roomId, event.data.userId, event.type === 'room.joined');
      if (event.data.userId !== world.me.id) return w;
      return setJoined(w, event.data.roomId, event.type === 'room.joined');
    }
    case 'message.created':
      return insertCreated(world, event.data.message);
    case 'message.edited': {
      const m = event.data.message;
      let w = editInJump(world, m);
      const replies = m.threadId ? world.threads[m.threadId] : undefined;
      const oldReply = replies?.find((x) => x.id === m.id);
      if (replies && oldReply) {
        const edited = oldReply.reactions && !m.reactions ? { ...m, reactions: oldReply.reactions } : m;
        w = { ...w, threads: { ...w.threads, [m.threadId!]: upsertMessage(replies, edited, w.maxMessagesPerRoom) } };
      }
      const list = w.messages[m.roomId];
      const at = list ? list.findIndex((x) => x.id === m.id) : -1;
      // An edit of a message outside the loaded window changes nothing we show.
      if (!list || at < 0) return w;
      const old = list[at]!;
      // A root's summary in the edit is as of the edit; one loaded since may have counted more replies.
      const thread = newerSummary(old.thread, m.thread);
      let edited = thread ? { ...m, thread } : m;
      // Events never carry reactions: the edited copy keeps those the loaded one has.
      if (old.reactions && !m.reactions) edited = { ...edited, reactions: old.reactions };
      return { ...w, messages: { ...w.messages, [m.roomId]: upsertMessage(list, edited, w.maxMessagesPerRoom) } };
    }
    case 'reaction.added':
    case 'reaction.removed': {
      const { roomId, messageId, emoji, userId } = event.data;
      const added = event.type === 'reaction.added';
      const list = world.messages[roomId];
      const at = list ? list.findIndex((x) => x.id === messageId) : -1;
      if (list && at >= 0) {
        const m = withReaction(list[at]!, emoji, userId, added);
        if (m === list[at]) return world;
        return { ...world, messages: { ...world.messages, [roomId]: list.map((x, i) => (i === at ? m : x)) } };
      }
      // A thread reply (kept with its thread, not in the room's list).
      for (const [threadId, replies] of Object.entries(world.threads)) {
        const i = replies.findIndex((x) => x.id === messageId);
        if (i < 0) continue;
        const m = withReaction(replies[i]!, emoji, userId, added);
        if (m === replies[i]) return world;
        return { ...world, threads: { ...world.threads, [threadId]: replies.map((x, j) => (j === i ? m : x)) } };
      }
      // A reaction on a message outside the loaded window: its history page will carry it.
      return world;
    }
    case 'message.deleted': {
      const { roomId, messageId } = event.data;
      const w = deleteInJump(removeReply(world, roomId, messageId), roomId, messageId);
      const list = w.messages[roomId];
      const gone = list?.find((x) => x.id === messageId);
      if (!list || !gone) return w;
      const unread = countsAsUnread(w, gone) ? bumpUnread(w, gone, -1) : w.unread;
      return { ...w, messages: { ...w.messages, [roomId]: list.filter((x) => x.id !== messageId) }, unread };
    }
    // The forum's events: boards, bookmarks, follows and profiles are loaded by request and kept by each
    // client's own state (od's forum slice); the world's rooms and messages already follow from the roots'
    // and comments' message events.
    case 'post.created':
    case 'post.updated':
    case 'bookmark.added':
    case 'bookmark.removed':
    case 'user.followed':
    case 'user.unfollowed':
    case 'profile.updated':
      return world;
    // The inbox is read with `inbox.list` (its items name rooms the reader may lose): od keeps it in its own state.
    case 'inbox.item':
    case 'inbox.read':
    case 'inbox.removed':
    case 'inbox.settings.changed':
      return world;
    case 'thread.updated': {
      const { roomId, threadId, thread } = event.data;
      const list = world.messages[roomId];
      const at = list ? list.findIndex((x) => x.id === threadId) : -1;
      if (!list || at < 0) return world;
      const next = list.slice();
      const { thread: _old, ...root } = list[at]!;
      // A root whose every reply was deleted shows no summary, as the server sends it.
      next[at] = thread.count > 0 ? { ...root, thread } : root;
      return { ...world, messages: { ...world.messages, [roomId]: next } };
    }
    case 'thread.followed': {
      const { roomId, threadId, level, muted, readOrder, unread } = event.data;
      if (!isJoined(world, roomId)) return world;
      const f = world.followed[threadId];
      // A new follow starts read up to its own order (nothing unread); a level change keeps the counts; a
      // count sent with it (a counted reply was deleted) is the server's, exact as of this event.
      const next: FollowedThreadState = f
        ? { ...f, level, muted, readOrder: Math.max(f.readOrder, readOrder), ...(unread && { unread }) }
        : { roomId, level, muted, readOrder, unread: unread ?? { count: 0, mentions: 0 }, since: event.order };
      return { ...world, followed: { ...world.followed, [threadId]: next } };
    }
    case 'thread.unfollowed':
      return Object.hasOwn(world.followed, event.data.threadId) ? { ...world, followed: without(world.followed, event.data.threadId) } : world;
    case 'thread.read':
      return markThreadRead(world, event.data.threadId, event.data.order);
    case 'read.marked':
      return markRead(world, event.data.roomId, event.data.order);
    case 'read.unmarked':
      return unmarkRead(world, event.data.roomId, event.data.order, event.data.unread);
    case 'read.receipt': {
      const { roomId, userId, order } = event.data;
      // My own marker is `read.marked`'s; receipts are the others'.
      if (userId === world.me.id || !world.rooms[roomId] || world.receipts[roomId]?.[userId] === order) return world;
      return { ...world, receipts: { ...world.receipts, [roomId]: { ...world.receipts[roomId], [userId]: order } } };
    }
    case 'room.settings.changed': {
      const settings = event.data.settings;
      if (!world.rooms[settings.roomId]) return world;
      return { ...world, roomSettings: { ...world.roomSettings, [settings.roomId]: settings } };
    }
    case 'notify.defaults.changed':
      return { ...world, notifyDefaults: event.data.defaults };
    case 'user.blocked': {
      const { userId, blocked } = event.data;
      if (blocked === Object.hasOwn(world.blocked, userId)) return world;
      return { ...world, blocked: blocked ? { ...world.blocked, [userId]: true } : without(world.blocked, userId) };
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
    case 'voice.joined':
    case 'voice.left':
    case 'voice.updated': {
      const voice = applyVoiceEvent(world.voice, event);
      return voice === world.voice ? world : { ...world, voice };
    }
    case 'access.changed':
      // The visible set of rooms changed; the client reloads `state` (a `snapshot` follows).
      return world;
    case 'presence.mode': {
      const { presenceMode: _old, ...rest } = world.me;
      return { ...world, me: event.data.mode === 'auto' ? rest : { ...rest, presenceMode: event.data.mode } };
    }
    case 'unknown':
      return world;
  }
}
