import fs from 'node:fs';
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { StoredEvent } from '../src/ports/storage.js';
import { RawClient, signup, testServer } from './helpers.js';
import { IrcTestClient, type Line } from './irc-support.js';

/*
 * Property: random communities (users, roles, grants, restricted rooms, messages, deletions, read markers,
 * role deletions, reconnects, room joins and parts, default rooms and newcomers over time) against a REAL
 * server. For every user:
 *  - every event they receive (live or replayed) is one they may see at the moment it is sent to them,
 *    and every such event reaches them exactly once;
 *  - a room's metadata (created, updated, joined, left) reaches everyone who can see the room; its messages
 *    reach only its members who can see it, every one of them, and none after they part (until they join
 *    again); the members are the creator, those who joined, and newcomers of the room's default days;
 *  - their live `prev` chain, replay pages and a final sync tile the log (start, head] with no gap or overlap;
 *  - `sync` from 0, `history`, `state` (rooms, joined rooms, unread counts), `room.members` and error
 *    messages show nothing of rooms hidden from them, and a hidden room answers exactly like one that does
 *    not exist; a visible room one is not in refuses messages with FORBIDDEN.
 * Conversations ride along: thread replies (in the thread only, or also in the room), reactions, direct
 * chats (visible to their two members only, the owner included) with their read receipts, and the private
 * follow and settings events — all judged by the same rule, and a thread-only reply never shows in the
 * room's history or unread count. So do forum boards: posts (thread roots with a title), comments (their
 * replies), bookmarks, follows of people, profiles and the inbox their news fills: nothing of a board one
 * cannot see reaches one through board lists, tag search, the following feed, bookmarks, profile cards or
 * the inbox, not even as a count.
 */

type Frame = Record<string, any>;
const USERS = 4; // user 0 is the owner
/** Users who may sign up later (joining the default rooms they can see); commands name users modulo those present. */
const NEWCOMERS = 2;
const ROLES = 3;
/** The room events every viewer receives, member or not; the test's own list (its other room events are messages). */
const METADATA = new Set(['room.created', 'room.updated', 'room.deleted', 'room.joined', 'room.left']);
const NOT_IN_ROOM = { code: 'FORBIDDEN', message: 'you are not in this room; join it first' };

type Cmd =
  | { k: 'room' }
  | { k: 'restrictedRoom'; roles: number[] }
  | { k: 'restrict'; room: number; roles: number[] }
  | { k: 'open'; room: number }
  | { k: 'grant' | 'revoke'; user: number; role: number }
  | { k: 'roleDelete'; role: number }
  | { k: 'send'; user: number; room: number }
  | { k: 'delete'; msg: number }
  | { k: 'read'; user: number; room: number }
  | { k: 'reconnect'; user: number }
  | { k: 'join' | 'part'; user: number; room: number }
  | { k: 'autoJoin'; room: number; on: boolean }
  | { k: 'signup' }
  /** `member`: the user is picked among the room's members (else anyone, to check the refusals). */
  | { k: 'reply'; user: number; msg: number; also: boolean; member: boolean }
  | { k: 'react'; user: number; msg: number; emoji: number; member: boolean }
  | { k: 'dm'; user: number; other: number }
  | { k: 'group'; user: number; others: number[] }
  | { k: 'leave'; user: number; msg: number }
  | { k: 'mute'; user: number; msg: number }
  | { k: 'board' }
  | { k: 'post'; user: number; room: number; member: boolean }
  | { k: 'bookmark'; user: number; msg: number }
  | { k: 'followUser'; user: number; other: number }
  | { k: 'bio'; user: number };

const nat = (n: number) => fc.nat({ max: n - 1 });
const anyUser = nat(USERS + NEWCOMERS);
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  fc.constant({ k: 'room' as const }),
  fc.record({ k: fc.constant('restrictedRoom' as const), roles: fc.uniqueArray(nat(ROLES), { minLength: 1, maxLength: ROLES }) }),
  fc.record({ k: fc.constant('restrict' as const), room: nat(8), roles: fc.uniqueArray(nat(ROLES), { minLength: 1, maxLength: ROLES }) }),
  fc.record({ k: fc.constant('open' as const), room: nat(8) }),
  fc.record({ k: fc.constantFrom('grant' as const, 'revoke' as const), user: anyUser, role: nat(ROLES) }),
  fc.record({ k: fc.constant('roleDelete' as const), role: nat(ROLES) }),
  fc.record({ k: fc.constant('send' as const), user: anyUser, room: nat(8) }),
  fc.record({ k: fc.constant('send' as const), user: anyUser, room: nat(8) }),
  fc.record({ k: fc.constant('delete' as const), msg: nat(32) }),
  fc.record({ k: fc.constant('read' as const), user: anyUser, room: nat(8) }),
  fc.record({ k: fc.constant('reconnect' as const), user: anyUser }),
  fc.record({ k: fc.constant('join' as const), user: anyUser, room: nat(8) }),
  fc.record({ k: fc.constant('join' as const), user: anyUser, room: nat(8) }),
  fc.record({ k: fc.constant('part' as const), user: anyUser, room: nat(8) }),
  fc.record({ k: fc.constant('autoJoin' as const), room: nat(8), on: fc.boolean() }),
  fc.constant({ k: 'signup' as const }),
  fc.constant({ k: 'signup' as const }),
  fc.record({ k: fc.constant('reply' as const), user: anyUser, msg: nat(32), also: fc.boolean(), member: fc.boolean() }),
  fc.record({ k: fc.constant('reply' as const), user: anyUser, msg: nat(32), also: fc.boolean(), member: fc.boolean() }),
  fc.record({ k: fc.constant('react' as const), user: anyUser, msg: nat(32), emoji: nat(3), member: fc.boolean() }),
  fc.record({ k: fc.constant('dm' as const), user: anyUser, other: anyUser }),
  fc.record({ k: fc.constant('group' as const), user: anyUser, others: fc.uniqueArray(anyUser, { maxLength: 3 }) }),
  fc.record({ k: fc.constant('leave' as const), user: anyUser, msg: nat(32) }),
  fc.record({ k: fc.constant('mute' as const), user: anyUser, msg: nat(32) }),
  fc.constant({ k: 'board' as const }),
  fc.record({ k: fc.constant('post' as const), user: anyUser, room: nat(8), member: fc.boolean() }),
  fc.record({ k: fc.constant('post' as const), user: anyUser, room: nat(8), member: fc.boolean() }),
  fc.record({ k: fc.constant('bookmark' as const), user: anyUser, msg: nat(32) }),
  fc.record({ k: fc.constant('followUser' as const), user: anyUser, other: anyUser }),
  fc.record({ k: fc.constant('bio' as const), user: anyUser }),
);
const EMOJI = ['🎉', '👍', '👀'];

/**
 * Who may see what, as the test believes it: rooms' restrictions, users' roles, and who is in each room
 * (kept while a member cannot see the room: they are back in it when they can again).
 */
interface ModelRoom {
  id: string;
  name: string;
  /** A direct or group chat's members: only they see it (the owner too sees it only as a member). */
  chat?: number[];
  restrictedTo: string[] | null;
  joined: Set<number>;
  autoJoin: boolean;
  /** A forum board: it takes posts and comments on them, not plain messages. */
  board?: boolean;
}
interface Model {
  rooms: ModelRoom[];
  grants: Array<Set<string>>;
}
const copy = (m: Model): Model => ({
  rooms: m.rooms.map((r) => ({ ...r, restrictedTo: r.restrictedTo && [...r.restrictedTo], joined: new Set(r.joined), ...(r.chat && { chat: [...r.chat] }) })),
  grants: m.grants.map((g) => new Set(g)),
});
function roomVisible(m: Model, u: number, roomId: string): boolean {
  const room = m.rooms.find((r) => r.id === roomId)!;
  if (room.chat) return room.chat.includes(u);
  return u === 0 || room.restrictedTo === null || room.restrictedTo.some((r) => m.grants[u]?.has(r) === true);
}
/** In the room and able to see it: its messages reach the user. */
function inRoom(m: Model, u: number, roomId: string): boolean {
  return roomVisible(m, u, roomId) && m.rooms.find((r) => r.id === roomId)!.joined.has(u);
}
function eventVisible(m: Model, u: number, uid: string, e: StoredEvent): boolean {
  if (e.targetUserId !== null) return e.targetUserId === uid;
  if (e.roomId === null) return true;
  return METADATA.has(e.type) ? roomVisible(m, u, e.roomId) : inRoom(m, u, e.roomId);
}
const isMessageEvent = (e: { type: string; roomId?: string | null }) => e.type.startsWith('message.');
/** Text rooms: what the room commands (join, part, restrict, send, read…) pick from. */
const textRooms = (m: Model) => m.rooms.filter((r) => !r.chat);

interface Conn {
  client: RawClient;
  resumeAfter: number | null;
  /** Model when it connected (replay is judged then). */
  atConnect: Model;
  /** Head when it was closed (or at the end). */
  endHead: number;
}

async function run(cmds: Cmd[]): Promise<void> {
  // Reads unlimited: the checks at the end read a lot (history, members and searches of every room).
  // The IRC gateway too: an IRC observer per member (below) must never learn more than their WebSocket does.
  const server = await testServer({ readRate: null, irc: { listen: { host: '127.0.0.1', port: 0 }, flood: { burst: 10_000, perSec: 10_000, maxQueued: 10_000 } } });
  const { storage: store, services } = server.app;
  const conns: Conn[][] = [];
  const ircClients: IrcTestClient[] = [];
  try {
    const users = [];
    for (let i = 0; i < USERS; i++) users.push(await signup(server.url, `user${i}`));
    const uid = users.map((u) => u.user.id);
    /** A command's user among those signed up so far. */
    const who = (n: number) => n % uid.length;
    await services.roles.grant(null, { userId: uid[0]!, roleId: 'owner' });
    const roleIds: Array<string | null> = [];
    for (let i = 0; i < ROLES; i++) roleIds.push((await services.roles.create(uid[0]!, { name: `role${i}` })).role.id);
    const lobby = (await services.rooms.create(uid[0]!, { name: 'room0' })).room;
    // The creator of a room is in it from the start; everyone else joins when they choose.
    const fresh = (r: { id: string; name: string }, restrictedTo: string[] | null): ModelRoom =>
      ({ id: r.id, name: r.name, restrictedTo, joined: new Set([0]), autoJoin: false });
    const model: Model = { rooms: [fresh(lobby, null)], grants: uid.map(() => new Set()) };
    /** Per event order: the model right after the step that wrote it (live delivery is judged by it). */
    const snapshots: Array<{ upTo: number; model: Model }> = [{ upTo: server.head(), model: copy(model) }];
    /** Every message sent; `threadOnly`: a reply shown in its thread only (never in the room's history or unread). */
    const messages: Array<{ id: string; order: number; roomId: string; author: number; deleted: boolean; text: string; threadOnly?: boolean; root?: string; post?: boolean }> = [];
    const markers = uid.map(() => new Map<string, number>());
    /** Every part (the order of its room.left) and join (of room.joined), to check nothing arrives in between. */
    const parts: Array<{ u: number; roomId: string; order: number }> = [];
    const joins: Array<{ u: number; roomId: string; order: number }> = [];

    for (let u = 0; u < USERS; u++) {
      conns.push([{ client: await RawClient.connect(server.url, users[u]!.accessToken), resumeAfter: null, atConnect: copy(model), endHead: 0 }]);
    }
    /** Users 1.. also watch over IRC, connected from the start with every capability. */
    const ircCaps = ['server-time', 'message-tags', 'account-tag', 'batch', 'away-notify', 'draft/read-marker', 'labeled-response'];
    const observers: Array<IrcTestClient | undefined> = [];
    for (let u = 1; u < USERS; u++) {
      const c = await IrcTestClient.connect(server.irc!.port);
      ircClients.push(c);
      await c.login(`user${u}`, { caps: ircCaps });
      observers[u] = c;
    }
    const current = (u: number) => conns[u]!.at(-1)!.client;
    const owner = () => current(0);
    /** All events published so far have reached this connection once its reply to a later request is in. */
    const barrier = (u: number) => current(u).call('state');

    /** The command's user: among the room's members when it asks for one (and there is one), else anyone. */
    const pick = (c: { user: number; member: boolean }, roomId: string): number => {
      const members = [...model.rooms.find((r) => r.id === roomId)!.joined].filter((v) => v < uid.length && inRoom(model, v, roomId));
      return c.member && members.length ? members[c.user % members.length]! : who(c.user);
    };

    let step = 0;
    for (const c of cmds) {
      step++;
      const rooms = textRooms(model);
      const room = 'room' in c ? rooms[c.room % rooms.length]! : null;
      const role = 'role' in c ? roleIds[c.role]! : null;
      switch (c.k) {
        case 'room':
          if (textRooms(model).length < 6) {
            const r = (await owner().call('room.create', { name: `room${model.rooms.length}` })).room;
            model.rooms.push(fresh(r, null));
          }
          break;
        case 'restrictedRoom': {
          // A restricted room created while members are online: born restricted, so its room.created reaches
          // only those who may see it (the live-delivery check below judges every event by the model).
          const ids = c.roles.map((i) => roleIds[i]).filter((x): x is string => x !== null);
          if (ids.length === 0 || textRooms(model).length >= 6) break;
          const r = (await owner().call('room.create', { name: `room${model.rooms.length}`, restrictedTo: ids })).room;
          model.rooms.push(fresh(r, [...new Set(ids)].sort()));
          break;
        }
        case 'restrict': {
          const ids = c.roles.map((i) => roleIds[i]).filter((x): x is string => x !== null);
          if (ids.length === 0) break;
          await owner().call('room.restrict', { roomId: room!.id, roleIds: ids });
          room!.restrictedTo = [...new Set(ids)].sort();
          break;
        }
        case 'open':
          await owner().call('room.open', { roomId: room!.id });
          room!.restrictedTo = null;
          break;
        case 'grant':
        case 'revoke':
          if (role === null || who(c.user) === 0) break;
          await owner().call(c.k === 'grant' ? 'role.grant' : 'role.revoke', { userId: uid[who(c.user)], roleId: role });
          if (c.k === 'grant') model.grants[who(c.user)]!.add(role);
          else model.grants[who(c.user)]!.delete(role);
          break;
        case 'roleDelete':
          if (role === null) break;
          await owner().call('role.delete', { roleId: role });
          roleIds[c.role] = null;
          for (const g of model.grants) g.delete(role);
          for (const r of model.rooms) if (r.restrictedTo) r.restrictedTo = r.restrictedTo.filter((x) => x !== role);
          break;
        case 'send': {
          const u = who(c.user);
          // Boards take posts, not plain messages: a send picks among the other rooms.
          const plain = rooms.filter((r) => !r.board);
          const room = plain[c.room % plain.length]!;
          const text = `msg-${step}-${room.name}-x`;
          const head = server.head();
          const res = await current(u).request('message.send', { roomId: room.id, text, nonce: `n${step}` });
          if (inRoom(model, u, room.id)) {
            expect(res.ok).toBe(true);
            const m = res.result.message;
            messages.push({ id: m.id, order: m.order, roomId: room.id, author: u, deleted: false, text });
          } else if (roomVisible(model, u, room.id)) {
            // A room one can see but is not in: join it first (nothing written).
            expect(res.error).toEqual(NOT_IN_ROOM);
            expect(server.head()).toBe(head);
          } else {
            // A hidden room is answered exactly like a room that does not exist.
            const missing = await current(u).request('message.send', { roomId: 'no-such-room', text, nonce: `m${step}` });
            expect(res.error).toEqual(missing.error);
            expect(res.error.code).toBe('NOT_FOUND');
          }
          break;
        }
        case 'join':
        case 'part': {
          const u = who(c.user);
          const head = server.head();
          const res = await current(u).request(`room.${c.k}`, { roomId: room!.id });
          if (!roomVisible(model, u, room!.id)) {
            // Joining or leaving a hidden room answers exactly like a missing one, and writes nothing.
            const missing = await current(u).request(`room.${c.k}`, { roomId: 'no-such-room' });
            expect(res.error).toEqual(missing.error);
            expect(res.error.code).toBe('NOT_FOUND');
            expect(server.head()).toBe(head);
            break;
          }
          expect(res.ok).toBe(true);
          if (c.k === 'join') expect(res.result.room.id).toBe(room!.id);
          // Joining a room one is in, or leaving one one is not in, changes nothing and writes nothing. A
          // join writes room.joined and moves the joiner's read marker to it (read.marked, theirs only):
          // nothing said before the join is unread.
          const changes = (c.k === 'join') !== room!.joined.has(u);
          expect(server.head()).toBe(changes ? head + (c.k === 'join' ? 2 : 1) : head);
          if (!changes) break;
          if (c.k === 'join') {
            room!.joined.add(u);
            joins.push({ u, roomId: room!.id, order: head + 1 });
            markers[u]!.set(room!.id, Math.max(markers[u]!.get(room!.id) ?? 0, head + 1));
          } else {
            room!.joined.delete(u);
            parts.push({ u, roomId: room!.id, order: server.head() });
          }
          break;
        }
        case 'autoJoin':
          await owner().call('room.update', { roomId: room!.id, autoJoin: c.on });
          room!.autoJoin = c.on;
          break;
        case 'signup': {
          if (uid.length >= USERS + NEWCOMERS) break;
          const u = uid.length;
          const pair = await signup(server.url, `user${u}`);
          users.push(pair);
          uid.push(pair.user.id);
          model.grants.push(new Set());
          markers.push(new Map());
          // A newcomer is in the default rooms they can see (implied by user.joined: no event of its own).
          for (const r of model.rooms) if (r.autoJoin && roomVisible(model, u, r.id)) r.joined.add(u);
          conns.push([{ client: await RawClient.connect(server.url, pair.accessToken), resumeAfter: null, atConnect: copy(model), endHead: 0 }]);
          break;
        }
        case 'delete': {
          // The owner moderates the rooms they can see (not others' direct chats).
          const live = messages.filter((m) => !m.deleted && roomVisible(model, 0, m.roomId));
          if (live.length === 0) break;
          const m = live[c.msg % live.length]!;
          await owner().call('message.delete', { messageId: m.id });
          m.deleted = true;
          break;
        }
        case 'read': {
          const u = who(c.user);
          const order = server.head();
          const res = await current(u).request('read.mark', { roomId: room!.id, order });
          expect(res.ok).toBe(roomVisible(model, u, room!.id));
          if (res.ok) markers[u]!.set(room!.id, Math.max(markers[u]!.get(room!.id) ?? 0, order));
          break;
        }
        case 'reply': {
          // A thread reply to some message: in the thread only, or also in the room.
          const live = messages.filter((m) => !m.deleted);
          if (live.length === 0) break;
          const root = live[c.msg % live.length]!;
          const u = pick(c, root.roomId);
          const text = `reply-${step}-${model.rooms.find((r) => r.id === root.roomId)!.name}-x`;
          const params = { roomId: root.roomId, text, nonce: `r${step}`, threadId: root.id, ...(c.also && { alsoInRoom: true }) };
          const res = await current(u).request('message.send', params);
          // A reply to a reply goes to its root; a thread whose root was deleted takes no more replies.
          const top = root.root ? messages.find((x) => x.id === root.root)! : root;
          if (inRoom(model, u, root.roomId) && top.deleted) {
            expect(res.error.code).toBe('NOT_FOUND');
          } else if (inRoom(model, u, root.roomId)) {
            expect(res.ok).toBe(true);
            const m = res.result.message;
            messages.push({ id: m.id, order: m.order, roomId: root.roomId, author: u, deleted: false, text, threadOnly: !c.also, root: top.id });
          } else if (!roomVisible(model, u, root.roomId)) {
            const missing = await current(u).request('message.send', { ...params, roomId: 'no-such-room', nonce: `rm${step}` });
            expect(res.error).toEqual(missing.error);
          } else {
            expect(res.error).toEqual(NOT_IN_ROOM);
          }
          break;
        }
        case 'react': {
          const live = messages.filter((m) => !m.deleted);
          if (live.length === 0) break;
          const target = live[c.msg % live.length]!;
          const u = pick(c, target.roomId);
          const res = await current(u).request('reaction.add', { messageId: target.id, emoji: EMOJI[c.emoji]! });
          if (inRoom(model, u, target.roomId)) expect(res.ok).toBe(true);
          else if (!roomVisible(model, u, target.roomId)) {
            // A message of a room one cannot see is answered like one that does not exist.
            const missing = await current(u).request('reaction.add', { messageId: 'no-such-message', emoji: EMOJI[c.emoji]! });
            expect(res.error).toEqual(missing.error);
          } else expect(res.ok).toBe(false);
          break;
        }
        case 'dm': {
          // A direct chat (opened by either side, the same room), a message in it, and the other reading it.
          const u = who(c.user);
          const v = who(c.other);
          if (u === v) break;
          const { room: chat } = await current(u).call('dm.open', { userId: uid[v] });
          let r = model.rooms.find((x) => x.id === chat.id);
          if (!r) {
            r = { id: chat.id, name: `dm${model.rooms.length}`, restrictedTo: null, joined: new Set([u, v]), autoJoin: false, chat: [u, v] };
            model.rooms.push(r);
          }
          expect((await current(v).call('dm.open', { userId: uid[u] })).room.id).toBe(chat.id);
          // A snapshot between: the chat's room.created (and joins) are judged by who is in it from then on.
          snapshots.push({ upTo: server.head(), model: copy(model) });
          const text = `dm-${step}-${r.name}-x`;
          const m = (await current(u).call('message.send', { roomId: chat.id, text, nonce: `d${step}` })).message;
          messages.push({ id: m.id, order: m.order, roomId: chat.id, author: u, deleted: false, text });
          const order = server.head();
          await current(v).call('read.mark', { roomId: chat.id, order });
          markers[v]!.set(chat.id, Math.max(markers[v]!.get(chat.id) ?? 0, order));
          break;
        }
        case 'group': {
          // A group chat of its creator and some others, and a message in it.
          const u = who(c.user);
          const others = [...new Set(c.others.map(who))].filter((v) => v !== u);
          const { room: chat } = await current(u).call('group.create', { name: `g${step}`, userIds: others.map((v) => uid[v]) });
          const r: ModelRoom = { id: chat.id, name: `grp${model.rooms.length}`, restrictedTo: null, joined: new Set([u, ...others]), autoJoin: false, chat: [u, ...others] };
          model.rooms.push(r);
          snapshots.push({ upTo: server.head(), model: copy(model) });
          const text = `grp-${step}-${r.name}-x`;
          const m = (await current(u).call('message.send', { roomId: chat.id, text, nonce: `g${step}` })).message;
          messages.push({ id: m.id, order: m.order, roomId: chat.id, author: u, deleted: false, text });
          break;
        }
        case 'leave': {
          // A member leaves the group of some message: from then on it is hidden from them like any room.
          const groups = model.rooms.filter((r) => r.chat && r.name.startsWith('grp'));
          if (groups.length === 0) break;
          const r = groups[c.msg % groups.length]!;
          const u = who(c.user);
          const res = await current(u).request('group.remove', { roomId: r.id, userId: uid[u] });
          if (!r.chat!.includes(u)) {
            const missing = await current(u).request('group.remove', { roomId: 'no-such-room', userId: uid[u] });
            expect(res.error).toEqual(missing.error);
            break;
          }
          if (!res.ok) {
            // The creator cannot leave their own group (no one removes the creator).
            expect(res.error.code).not.toBe('NOT_FOUND');
            break;
          }
          r.chat = r.chat!.filter((v) => v !== u);
          r.joined.delete(u);
          parts.push({ u, roomId: r.id, order: server.head() });
          break;
        }
        case 'mute': {
          // Personal settings of the room of some message: private to their user, refused like a missing room
          // when it is hidden from them.
          const live = messages.filter((m) => !m.deleted);
          if (live.length === 0) break;
          const target = live[c.msg % live.length]!;
          const u = who(c.user);
          const res = await current(u).request('room.settings', { roomId: target.roomId, muted: true });
          if (roomVisible(model, u, target.roomId)) expect(res.ok).toBe(true);
          else {
            const missing = await current(u).request('room.settings', { roomId: 'no-such-room', muted: true });
            expect(res.error).toEqual(missing.error);
          }
          break;
        }
        case 'board':
          if (textRooms(model).length < 6) {
            const r = (await owner().call('room.create', { name: `room${model.rooms.length}`, kind: 'forum' })).room;
            model.rooms.push({ ...fresh(r, null), board: true });
          }
          break;
        case 'post': {
          // A post on some board (by one of its members when asked): a thread root with a title and a tag.
          const boards = rooms.filter((r) => r.board);
          if (boards.length === 0) break;
          const b = boards[c.room % boards.length]!;
          const u = pick(c, b.id);
          const text = `post-${step}-${b.name}-x #news`;
          const params = { roomId: b.id, title: `title-${step}-${b.name}-x`, text, nonce: `p${step}` };
          const head = server.head();
          const res = await current(u).request('post.create', params);
          if (inRoom(model, u, b.id)) {
            expect(res.ok).toBe(true);
            const m = res.result.post;
            messages.push({ id: m.id, order: m.order, roomId: b.id, author: u, deleted: false, text, post: true });
          } else if (roomVisible(model, u, b.id)) {
            expect(res.error.code).toBe('FORBIDDEN');
            expect(server.head()).toBe(head);
          } else {
            const missing = await current(u).request('post.create', { ...params, roomId: 'no-such-room', nonce: `pm${step}` });
            expect(res.error).toEqual(missing.error);
            expect(server.head()).toBe(head);
          }
          break;
        }
        case 'bookmark': {
          // A bookmark is private; a post of a board one cannot see answers like one that does not exist.
          const posts = messages.filter((m) => m.post && !m.deleted);
          if (posts.length === 0) break;
          const target = posts[c.msg % posts.length]!;
          const u = who(c.user);
          const res = await current(u).request('bookmark.add', { postId: target.id });
          if (roomVisible(model, u, target.roomId)) expect(res.ok).toBe(true);
          else {
            const missing = await current(u).request('bookmark.add', { postId: 'no-such-post' });
            expect(res.error).toEqual(missing.error);
          }
          break;
        }
        case 'followUser': {
          const u = who(c.user);
          const v = who(c.other);
          if (u === v) break;
          await current(u).call('user.follow', { userId: uid[v] });
          break;
        }
        case 'bio':
          await current(who(c.user)).call('profile.set', { bio: `bio of user ${who(c.user)}`, showFollows: c.user % 2 === 0 });
          break;
        case 'reconnect': {
          const u = who(c.user);
          await barrier(u);
          const old = conns[u]!.at(-1)!;
          const accounted = accountedEnd(old.client);
          old.endHead = server.head();
          await old.client.close();
          conns[u]!.push({
            client: await RawClient.connect(server.url, users[u]!.accessToken, accounted),
            resumeAfter: accounted,
            atConnect: copy(model),
            endHead: 0,
          });
          break;
        }
      }
      // Posts and comments reach followers' inboxes after their commit: let that finish within the step, so
      // the next step's writes (and the head it expects) are its own.
      await services.inbox.fanoutSettled();
      snapshots.push({ upTo: server.head(), model: copy(model) });
    }

    const head = server.head();
    const all = store.events.range(0, head);
    const modelAt = (order: number) => snapshots.find((s) => s.upTo >= order)!.model;
    const byOrder = new Map(all.map((e) => [e.order, e]));

    for (let u = 0; u < uid.length; u++) {
      await barrier(u);
      conns[u]!.at(-1)!.endHead = head;
      const delivered = new Set<number>();
      const start = conns[u]![0]!.client.ready.head as number;
      let accounted = start;
      /** Live frames of room messages, by order: what reached this user while it happened. */
      const liveMessages: StoredEvent[] = [];
      for (const conn of conns[u]!) {
        const { client } = conn;
        if (conn.resumeAfter !== null) expect(conn.resumeAfter).toBe(accounted);
        // Replay: judged by what the user may see when reconnecting.
        for (const page of client.frames.filter((f) => f.type === 'replay')) {
          const expected = all.filter((e) => e.order > accounted && e.order <= page.through && eventVisible(conn.atConnect, u, uid[u]!, e));
          expect(page.events.map((e: Frame) => e.order)).toEqual(expected.map((e) => e.order));
          accounted = page.through;
        }
        if (conn.resumeAfter === null) accounted = client.ready.head;
        // Live: each event judged by the model right after the step that wrote it; prev chains.
        const liveFrames = client.events;
        const expectedLive = all.filter((e) => e.order > accounted && e.order <= conn.endHead && eventVisible(modelAt(e.order), u, uid[u]!, e));
        expect(liveFrames.map((f) => f.event.order)).toEqual(expectedLive.map((e) => e.order));
        for (const f of liveFrames) {
          expect(f.prev).toBe(accounted);
          accounted = f.event.order;
          const e = byOrder.get(f.event.order)!;
          if (isMessageEvent(e)) liveMessages.push(e);
        }
        for (const f of [...client.replayed, ...liveFrames.map((x) => x.event)]) {
          const order = f.order ?? f.event?.order;
          expect(delivered.has(order), `order ${order} delivered twice to user ${u}`).toBe(false);
          delivered.add(order);
        }
      }
      // A final sync from where the stream ended covers the rest: (start, head] is tiled exactly once.
      const tail = await current(u).call('sync', { after: accounted });
      expect(tail.through).toBe(head);
      const fin = modelAt(head);
      expect(tail.events.map((e: Frame) => e.order)).toEqual(
        all.filter((e) => e.order > accounted && eventVisible(fin, u, uid[u]!, e)).map((e) => e.order),
      );

      // A fresh sync from 0 sees exactly the events visible now.
      const fromZero: number[] = [];
      let after = 0;
      for (;;) {
        const page = await current(u).call('sync', { after });
        fromZero.push(...page.events.map((e: Frame) => e.order));
        after = page.through;
        if (!page.more) break;
      }
      expect(after).toBe(head);
      expect(fromZero).toEqual(all.filter((e) => eventVisible(fin, u, uid[u]!, e)).map((e) => e.order));

      // Membership, stated directly (the checks above imply it through the model):
      //  - every message of a room, while the user was in it and could see it, reached them live;
      for (const e of all) {
        if (e.order > start && e.roomId !== null && isMessageEvent(e) && inRoom(modelAt(e.order), u, e.roomId)) {
          expect(delivered.has(e.order), `member ${u} missed message event ${e.order}`).toBe(true);
        }
      }
      //  - after a part, no message of that room arrived live until they joined again;
      for (const p of parts.filter((x) => x.u === u)) {
        const back = joins.find((j) => j.u === u && j.roomId === p.roomId && j.order > p.order)?.order ?? Infinity;
        const during = liveMessages.filter((e) => e.roomId === p.roomId && e.order > p.order && e.order < back);
        expect(during.map((e) => e.order), `user ${u} parted ${p.roomId} at ${p.order}`).toEqual([]);
      }
      //  - sync: no message of a room they are not in now, and all metadata of every room they can see.
      const synced = new Set(fromZero);
      for (const e of all) {
        if (e.roomId === null || e.targetUserId !== null) continue;
        if (isMessageEvent(e) && !inRoom(fin, u, e.roomId)) expect(synced.has(e.order), `message event ${e.order} synced to non-member ${u}`).toBe(false);
        if (METADATA.has(e.type) && roomVisible(fin, u, e.roomId)) expect(synced.has(e.order), `metadata ${e.order} not synced to viewer ${u}`).toBe(true);
      }

      // state, history, unread counts and errors: nothing of hidden rooms.
      const state = await current(u).call('state');
      const visible = fin.rooms.filter((r) => roomVisible(fin, u, r.id));
      const hidden = fin.rooms.filter((r) => !roomVisible(fin, u, r.id));
      const mine = visible.filter((r) => r.joined.has(u));
      expect(state.rooms.map((r: Frame) => r.id).sort()).toEqual(visible.map((r) => r.id).sort());
      // Joined rooms, their unread counts and read markers: only the visible rooms one is in.
      expect([...state.joined].sort()).toEqual(mine.map((r) => r.id).sort());
      expect(Object.keys(state.unread).sort()).toEqual(mine.map((r) => r.id).sort());
      expect(Object.keys(state.readMarkers).sort()).toEqual(mine.map((r) => r.id).sort());
      for (const r of mine) {
        const marker = markers[u]!.get(r.id) ?? 0;
        const count = messages.filter((m) => m.roomId === r.id && !m.deleted && !m.threadOnly && m.author !== u && m.order > marker).length;
        expect(state.unread[r.id]).toEqual({ count, mentions: 0 });
      }
      const replies: string[] = [JSON.stringify(state)];
      const missing = await current(u).request('history', { roomId: 'no-such-room' });
      const noMembers = await current(u).request('room.members', { roomId: 'no-such-room' });
      for (const r of fin.rooms) {
        // History is a preview: any visible room, joined or not.
        const h = await current(u).request('history', { roomId: r.id, limit: 200 });
        const list = await current(u).request('room.members', { roomId: r.id });
        replies.push(JSON.stringify(h), JSON.stringify(list));
        if (roomVisible(fin, u, r.id)) {
          expect(h.result.messages.map((m: Frame) => m.id)).toEqual(messages.filter((m) => m.roomId === r.id && !m.deleted && !m.threadOnly).map((m) => m.id));
          // Who is in it: its members who can see it (one who lost sight of it is not counted meanwhile).
          const members = [...r.joined].filter((v) => roomVisible(fin, v, r.id)).map((v) => uid[v]!);
          expect([...list.result.userIds].sort()).toEqual(members.sort());
        } else {
          expect(h.error).toEqual(missing.error);
          expect(list.error).toEqual(noMembers.error);
        }
      }
      // Boards: each board's list (a hidden one answers like a missing room); tag search, the following feed,
      // bookmarks, every profile card and the inbox hold posts and items of visible boards only, and the
      // inbox's unread count is the count of its visible unread items.
      const noBoard = await current(u).request('post.list', { roomId: 'no-such-room' });
      for (const r of fin.rooms.filter((x) => x.board)) {
        const page = await current(u).request('post.list', { roomId: r.id, sort: 'newest' });
        replies.push(JSON.stringify(page));
        if (roomVisible(fin, u, r.id)) {
          expect(page.result.posts.map((p: Frame) => p.id)).toEqual(messages.filter((m) => m.post && m.roomId === r.id && !m.deleted).map((m) => m.id).reverse());
        } else expect(page.error).toEqual(noBoard.error);
      }
      const noPost = await current(u).request('post.get', { postId: 'no-such-post' });
      for (const m of messages.filter((x) => x.post)) {
        const got = await current(u).request('post.get', { postId: m.id });
        replies.push(JSON.stringify(got));
        if (!roomVisible(fin, u, m.roomId) || m.deleted) expect(got.error).toEqual(noPost.error);
        else expect(got.result.post.id).toBe(m.id);
      }
      const lists = [
        await current(u).call('post.tagged', { tag: 'news', limit: 100 }),
        await current(u).call('feed.following', { limit: 100 }),
        await current(u).call('bookmark.list', {}),
        ...(await Promise.all(uid.map((id) => current(u).call('profile.get', { userId: id })))).map((x: Frame) => ({ posts: x.profile.recentPosts })),
      ];
      for (const l of lists) {
        replies.push(JSON.stringify(l));
        for (const p of l.posts) expect(roomVisible(fin, u, p.roomId), `post of hidden board ${p.roomId} listed to ${u}`).toBe(true);
      }
      const tagged = messages.filter((m) => m.post && !m.deleted && roomVisible(fin, u, m.roomId)).map((m) => m.id).reverse();
      expect(lists[0]!.posts.map((p: Frame) => p.id)).toEqual(tagged);
      const inbox = await current(u).call('inbox.list', { limit: 100 });
      replies.push(JSON.stringify(inbox));
      for (const i of inbox.items) expect(roomVisible(fin, u, i.roomId), `inbox item of hidden room ${i.roomId} for ${u}`).toBe(true);
      expect(inbox.unread).toBe(inbox.items.filter((i: Frame) => !i.read).length);

      // Search: a hidden (or left) room's words never hit, and the answer is shaped like a search with no hit;
      // whatever hits is in a room the user is in.
      const none = await current(u).call('search', { query: 'nothingmatchesthis' });
      for (const r of fin.rooms) {
        const found = await current(u).call('search', { query: r.name });
        for (const hit of found.hits) expect(mine.some((x) => x.id === hit.message.roomId), `search hit in ${hit.message.roomId} for ${u}`).toBe(true);
        // A room's name is a word of its own messages only: a hidden room's answers exactly like no hit.
        if (!roomVisible(fin, u, r.id)) expect(found).toEqual(none);
        // And a room one is in finds its live messages.
        else if (mine.includes(r) && messages.some((m) => m.roomId === r.id && !m.deleted)) expect(found.hits.length, `search in ${r.name} for ${u}`).toBeGreaterThan(0);
        replies.push(JSON.stringify(found));
      }
      const leaked = replies.join('\n');
      for (const r of hidden) {
        expect(leaked.includes(r.id), `room id of hidden ${r.name} leaked to user ${u}`).toBe(false);
        expect(leaked.includes(`-${r.name}-x`), `text from hidden ${r.name} leaked to user ${u}`).toBe(false);
      }
      // Deleted texts are gone from every path, even for those who saw them live before the deletion.
      const deletedTexts = messages.filter((m) => m.deleted).map((m) => m.text);
      for (const t of deletedTexts) expect(leaked.includes(t)).toBe(false);

      // The IRC observer: every line it got since the start. A room this user never could see (in no
      // snapshot of the run) shows nowhere in it: not its id, its channel name or its messages' text.
      const obs = observers[u];
      if (obs) {
        // Everything published so far is in the observer's session already; a round trip renders it.
        await obs.sync();
        const transcript = obs.lines.map((l) => l.raw).join('\n');
        const neverSeen = fin.rooms.filter((r) => snapshots.every((s) => !s.model.rooms.some((x) => x.id === r.id) || !roomVisible(s.model, u, r.id)));
        for (const r of neverSeen) {
          expect(transcript.includes(r.id), `IRC: id of hidden ${r.name} reached user ${u}`).toBe(false);
          expect(transcript.includes(`-${r.name}-x`), `IRC: text from hidden ${r.name} reached user ${u}`).toBe(false);
          expect(new RegExp(`[#&]${r.name}(?![0-9])`).test(transcript), `IRC: channel of hidden ${r.name} reached user ${u}`).toBe(false);
        }
        // A fresh IRC login: LIST shows exactly the visible text rooms; a hidden room answers JOIN, TOPIC,
        // NAMES, WHO and CHATHISTORY exactly as a channel that does not exist.
        const probe = await IrcTestClient.connect(server.irc!.port);
        ircClients.push(probe);
        await probe.login(`user${u}`, { caps: ircCaps });
        await probe.sync();
        probe.skip();
        probe.send('LIST');
        const listed = (await probe.until((l) => l.command === '323')).filter((l) => l.command === '322').map((l) => l.params[1]);
        // Group chats one is in are & channels; direct chats are private messages, never channels.
        // (The model names its group chats itself: they are counted, text rooms compared by name.)
        expect(listed.filter((x) => x!.startsWith('#')).sort(), `IRC LIST for user ${u}`).toEqual(visible.filter((r) => !r.chat).map((r) => `#${r.name}`).sort());
        expect(listed.filter((x) => x!.startsWith('&')).length).toBe(visible.filter((r) => r.chat && !r.name.startsWith('dm')).length);
        const answer = async (line: string, chan: string): Promise<string[]> => {
          probe.send(line);
          const got: Line[] = await probe.sync();
          return got.filter((l) => l.command !== 'PONG').map((l) => l.raw.split(chan).join('#X'));
        };
        const probes = (chan: string) => [`JOIN ${chan}`, `TOPIC ${chan}`, `NAMES ${chan}`, `WHO ${chan}`, `CHATHISTORY LATEST ${chan} * 10`, `PRIVMSG ${chan} :x`];
        const missing: string[][] = [];
        for (const line of probes('#no-such-room')) missing.push(await answer(line, '#no-such-room'));
        for (const r of hidden.filter((x) => !x.chat)) {
          const chan = `#${r.name}`;
          const got: string[][] = [];
          for (const line of probes(chan)) got.push(await answer(line, chan));
          expect(got, `IRC answers about hidden ${r.name} for user ${u}`).toEqual(missing);
        }
      }
    }
  } finally {
    for (const c of ircClients) c.close();
    for (const list of conns) for (const c of list) await c.client.close();
    await server.close();
    fs.rmSync(server.dataDir, { recursive: true, force: true });
  }
}

/** Where a connection's stream has accounted up to: its last live frame, else its last replay page, else ready. */
function accountedEnd(c: RawClient): number {
  const live = c.events.at(-1);
  if (live) return live.event.order;
  const replay = c.frames.filter((f) => f.type === 'replay').at(-1);
  return replay ? replay.through : c.ready.head;
}

describe('visibility and gap-free accounting (property)', () => {
  test.prop([fc.array(cmd, { minLength: 5, maxLength: 40 })], { numRuns: 15, endOnFailure: true })(
    'no user ever learns anything of a room they cannot see, and every order is accounted exactly once',
    async (cmds) => {
      await run(cmds);
    },
    120_000,
  );

  const restrictedFirst = fc
    .tuple(fc.uniqueArray(nat(ROLES), { minLength: 1, maxLength: ROLES }), fc.array(cmd, { minLength: 3, maxLength: 20 }))
    .map(([roles, rest]): Cmd[] => [{ k: 'grant', user: 1, role: roles[0]! }, { k: 'restrictedRoom', roles }, ...rest]);
  test.prop([restrictedFirst], { numRuns: 8, endOnFailure: true })(
    'a restricted room created while members are online reaches only those who may see it',
    async (cmds) => {
      await run(cmds);
    },
    120_000,
  );

  // Boards: two boards, followers of the owner, posts on both (their inbox items fanned out), one board then
  // restricted; random steps follow. Nothing of the hidden board may reach those who lost it, not even a count.
  const boardsFirst = fc
    .tuple(fc.uniqueArray(nat(ROLES), { minLength: 1, maxLength: ROLES }), fc.array(cmd, { minLength: 3, maxLength: 20 }))
    .map(([roles, rest]): Cmd[] => [
      { k: 'board' }, { k: 'board' },
      { k: 'followUser', user: 1, other: 0 }, { k: 'followUser', user: 2, other: 0 },
      { k: 'join', user: 1, room: 2 }, { k: 'post', user: 0, room: 0, member: true }, { k: 'post', user: 0, room: 1, member: true },
      { k: 'reply', user: 1, msg: 1, also: false, member: true }, { k: 'bookmark', user: 1, msg: 1 }, { k: 'bookmark', user: 2, msg: 1 },
      { k: 'restrict', room: 2, roles }, ...rest,
    ]);
  test.prop([boardsFirst], { numRuns: 6, endOnFailure: true })(
    'boards: posts, comments, bookmarks, follows, profiles and inbox items of a hidden board reach nobody who cannot see it',
    async (cmds) => {
      await run(cmds);
    },
    120_000,
  );

  // Default rooms: some room (maybe restricted, maybe later parted or un-defaulted) is made a default, and
  // newcomers sign up among random steps: they are in it exactly when they could see it at sign-up.
  const defaultsFirst = fc
    .tuple(fc.array(cmd, { maxLength: 8 }), nat(8), fc.array(cmd, { maxLength: 6 }), fc.array(cmd, { minLength: 3, maxLength: 16 }))
    .map(([before, room, between, rest]): Cmd[] => [
      ...before, { k: 'autoJoin', room, on: true }, { k: 'signup' }, ...between, { k: 'signup' }, ...rest,
    ]);
  test.prop([defaultsFirst], { numRuns: 8, endOnFailure: true })(
    'newcomers join the default rooms they can see, and receive their messages from then on',
    async (cmds) => {
      await run(cmds);
    },
    120_000,
  );
});

/*
 * Property: positions after hidden moves. A manager who cannot see some rooms moves the rooms they see; the
 * owner moves rooms hidden from them (often into the same gap, so categories get respaced). After every
 * step, a member who sees what the manager sees finds their rooms in the manager's order, and every room
 * that did not move itself kept its position or moved by exactly one gap: a position never counts the
 * hidden rooms, and hidden moves never reorder what a member sees.
 */
type PosCmd = { k: 'vmove' | 'hmove'; room: number; pos: number };
const posCmd: fc.Arbitrary<PosCmd> = fc.record({
  k: fc.constantFrom('vmove' as const, 'hmove' as const),
  room: nat(4),
  pos: fc.constantFrom(0, 1, 1, 1, 2, 3, 5, 8),
});

async function runPositions(cmds: PosCmd[]): Promise<void> {
  const server = await testServer();
  const { services } = server.app;
  const clients: RawClient[] = [];
  try {
    const [o, m, u] = [await signup(server.url, 'owner'), await signup(server.url, 'mgr'), await signup(server.url, 'member')];
    await services.roles.grant(null, { userId: o.user.id, roleId: 'owner' });
    const managers = (await services.roles.create(o.user.id, { name: 'managers' })).role;
    await services.roles.update(o.user.id, { roleId: managers.id, add: ['manage_rooms'] });
    await services.roles.grant(null, { userId: m.user.id, roleId: managers.id });
    const secret = (await services.roles.create(o.user.id, { name: 'secret' })).role;
    for (const p of [o, m, u]) clients.push(await RawClient.connect(server.url, p.accessToken));
    const [owner, mgr, member] = clients as [RawClient, RawClient, RawClient];
    const visible: string[] = [];
    const hidden: string[] = [];
    for (let i = 0; i < 4; i++) visible.push((await mgr.call('room.create', { name: `v${i}` })).room.id);
    for (let i = 0; i < 4; i++) hidden.push((await owner.call('room.create', { name: `h${i}`, restrictedTo: [secret.id] })).room.id);
    let order = [...visible];
    const view = async () => {
      const rooms = ((await member.call('state')).rooms as Frame[]).sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : 1));
      return { ids: rooms.map((r) => r.id), pos: new Map(rooms.map((r) => [r.id as string, r.position as number])) };
    };
    let before = await view();
    for (const c of cmds) {
      let moved: string | null = null;
      if (c.k === 'vmove') {
        moved = visible[c.room]!;
        await mgr.call('room.move', { roomId: moved, categoryId: null, position: c.pos });
        const rest = order.filter((id) => id !== moved);
        const at = Math.min(c.pos, rest.length);
        order = [...rest.slice(0, at), moved, ...rest.slice(at)];
      } else {
        await owner.call('room.move', { roomId: hidden[c.room]!, categoryId: null, position: c.pos });
      }
      const after = await view();
      expect(after.ids).toEqual(order);
      for (const id of visible) {
        if (id === moved) continue;
        expect([0, 1024], `position change of a room that did not move (${c.k})`).toContain(after.pos.get(id)! - before.pos.get(id)!);
      }
      before = after;
    }
  } finally {
    for (const c of clients) await c.close();
    await server.close();
    fs.rmSync(server.dataDir, { recursive: true, force: true });
  }
}

describe('room positions (property)', () => {
  test.prop([fc.array(posCmd, { minLength: 10, maxLength: 40 })], { numRuns: 10, endOnFailure: true })(
    'positions after hidden moves: a member sees their rooms in order, never renumbered by hidden rooms',
    async (cmds) => {
      await runPositions(cmds);
    },
    120_000,
  );
});
