import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../src/adapters/sqlite/migrations.js';
import { memberKick } from '../src/cli/community.js';
import { expectConvergent, foldFromZero, Harness, liveEvent, makeOwner, member, refused, syncFromZero, type Member } from './community-support.js';
import { post, type RawClient, signup, testServer, undoMigration5, undoMigration9 } from './helpers.js';

/*
 * Room membership, IRC and Slack style: `room.join`, `room.part`, `room.members`. A text room's messages
 * (and typing) reach its members who can see it; its metadata (created, updated, deleted, joined, left)
 * reaches everyone who can see it. Real sockets on 127.0.0.1:0 and real SQLite files; nothing waits on a
 * timer: "nothing arrived" is judged after a later marker that travels the same socket has arrived.
 */
const h = new Harness();
afterEach(() => h.release());

type Frame = Record<string, any>;
const NOT_IN_ROOM = { code: 'FORBIDDEN', message: 'you are not in this room; join it first' };

/** alice (owner), bob, carol, each connected; alice's lobby, which only she is in. */
async function world(...more: string[]) {
  const { server, members, clients } = await h.community('alice', 'bob', 'carol', ...more);
  const { room: lobby } = await clients[0]!.call('room.create', { name: 'lobby' });
  return { server, members: members as Member[], clients: clients as RawClient[], lobby };
}

/** Texts of the message.created events a client received live, in order. */
const liveTexts = (c: RawClient, roomId?: string) =>
  c.events
    .map((f) => f.event)
    .filter((e) => e.type === 'message.created' && (roomId === undefined || e.data.message.roomId === roomId))
    .map((e) => e.data.message.text);

/** Send `text` to `roomId` as `from`, and wait until `to` has received it live. */
async function marker(from: RawClient, to: RawClient, roomId: string, text: string): Promise<void> {
  await from.call('message.send', { roomId, text, nonce: text });
  await liveEvent(to, (e) => e.type === 'message.created' && e.data.message.text === text, text);
}

describe('joining and leaving', () => {
  it('join and part are idempotent; each change is one event that every viewer receives; the creator is in from the start', async () => {
    const { server, members, clients, lobby } = await world();
    const [alice, bob] = members as [Member, Member, Member];
    const [a, b, c] = clients as [RawClient, RawClient, RawClient];
    // The creator is in the room without a room.joined of her own (room.created implies it).
    expect((await a.call('room.members', { roomId: lobby.id })).userIds).toEqual([alice.id]);

    let head = server.head();
    expect((await b.call('room.join', { roomId: lobby.id })).room).toEqual(lobby);
    expect(server.head()).toBeGreaterThan(head);
    const joined = await liveEvent(c, (e) => e.type === 'room.joined');
    expect(joined).toMatchObject({ roomId: lobby.id, actorId: bob.id, data: { roomId: lobby.id, userId: bob.id } });
    await liveEvent(b, (e) => e.type === 'room.joined' && e.data.userId === bob.id);
    // Joining again changes nothing and writes nothing.
    head = server.head();
    expect((await b.call('room.join', { roomId: lobby.id })).room).toEqual(lobby);
    expect(server.head()).toBe(head);
    expect([...(await c.call('room.members', { roomId: lobby.id })).userIds].sort()).toEqual([alice.id, bob.id].sort());

    expect(await b.call('room.part', { roomId: lobby.id })).toEqual({ ok: true });
    expect(server.head()).toBe(head + 1);
    const left = await liveEvent(c, (e) => e.type === 'room.left');
    expect(left).toMatchObject({ roomId: lobby.id, actorId: bob.id, data: { roomId: lobby.id, userId: bob.id } });
    // Leaving a room one is not in: ok, and nothing written.
    expect(await b.call('room.part', { roomId: lobby.id })).toEqual({ ok: true });
    expect(await c.call('room.part', { roomId: lobby.id })).toEqual({ ok: true });
    expect(server.head()).toBe(head + 1);
    expect((await c.call('room.members', { roomId: lobby.id })).userIds).toEqual([alice.id]);

    // One room.joined and one room.left in the whole log, none for the creator; the room stays listed.
    const { events } = await syncFromZero(c);
    expect(events.filter((e) => e.type === 'room.joined' || e.type === 'room.left').map((e) => [e.type, e.data.userId])).toEqual([
      ['room.joined', bob.id],
      ['room.left', bob.id],
    ]);
    expect((await b.call('state')).rooms.map((r: Frame) => r.id)).toEqual([lobby.id]);
    await expectConvergent(server.url, bob.token, h);
  });

  it('joining, leaving or listing a hidden, a deleted or a missing room gives one NOT_FOUND and writes nothing', async () => {
    const { server, members, clients } = await world();
    const [, bob] = members as [Member, Member, Member];
    const [a, b] = clients as [RawClient, RawClient, RawClient];
    const { role: mods } = await a.call('role.create', { name: 'mods' });
    const { room: staff } = await a.call('room.create', { name: 'staff', restrictedTo: [mods.id] });
    const { room: gone } = await a.call('room.create', { name: 'gone' });
    await a.call('room.delete', { roomId: gone.id });
    const head = server.head();
    for (const type of ['room.join', 'room.part', 'room.members']) {
      const missing = await refused(b, type, { roomId: 'no-such-room' });
      expect(missing).toEqual({ code: 'NOT_FOUND', message: 'room not found' });
      expect(await refused(b, type, { roomId: staff.id })).toEqual(missing);
      expect(await refused(b, type, { roomId: gone.id })).toEqual(missing);
      // The owner sees the restricted room, but a deleted one is gone for her too.
      expect(await refused(a, type, { roomId: gone.id })).toEqual(missing);
    }
    expect(server.head()).toBe(head);
    expect(JSON.stringify(await b.call('state'))).not.toContain(staff.id);
    // Once bob may see it, he can join it.
    await a.call('role.grant', { userId: bob.id, roleId: mods.id });
    expect((await b.call('room.join', { roomId: staff.id })).room.id).toBe(staff.id);
  });
});

describe('speaking and receiving', () => {
  it('a visible room one is not in refuses messages (FORBIDDEN, nothing written) but previews its history; joined, one speaks; parted, one is refused again', async () => {
    const { server, clients, lobby } = await world();
    const [a, b] = clients as [RawClient, RawClient, RawClient];
    await a.call('message.send', { roomId: lobby.id, text: 'welcome', nonce: 'w' });
    const head = server.head();
    expect(await refused(b, 'message.send', { roomId: lobby.id, text: 'hi', nonce: 'h1' })).toEqual(NOT_IN_ROOM);
    expect(server.head()).toBe(head);
    // A hidden room still answers like a missing one, never FORBIDDEN.
    const { role: mods } = await a.call('role.create', { name: 'mods' });
    const { room: staff } = await a.call('room.create', { name: 'staff', restrictedTo: [mods.id] });
    const hidden = await refused(b, 'message.send', { roomId: staff.id, text: 'hi', nonce: 'h2' });
    expect(hidden).toEqual(await refused(b, 'message.send', { roomId: 'no-such-room', text: 'hi', nonce: 'h3' }));
    expect(hidden.code).toBe('NOT_FOUND');
    // History is a preview of any visible room.
    expect((await b.call('history', { roomId: lobby.id })).messages.map((m: Frame) => m.text)).toEqual(['welcome']);

    await b.call('room.join', { roomId: lobby.id });
    expect((await b.call('message.send', { roomId: lobby.id, text: 'hi', nonce: 'h4' })).message.text).toBe('hi');
    await b.call('room.part', { roomId: lobby.id });
    expect(await refused(b, 'message.send', { roomId: lobby.id, text: 'hi again', nonce: 'h5' })).toEqual(NOT_IN_ROOM);
  });

  it("a room's messages reach its members only, its metadata every viewer; after a part nothing more of it arrives", async () => {
    const { members, clients, lobby } = await world();
    const [, bob] = members as [Member, Member, Member];
    const [a, b, c] = clients as [RawClient, RawClient, RawClient];
    // `other` carries the markers: everyone is in it.
    const { room: other } = await a.call('room.create', { name: 'other' });
    await b.call('room.join', { roomId: other.id });
    await c.call('room.join', { roomId: other.id });
    await b.call('room.join', { roomId: lobby.id });

    await a.call('message.send', { roomId: lobby.id, text: 'one', nonce: '1' });
    await a.call('room.update', { roomId: lobby.id, topic: 'members only chat' });
    await marker(a, c, other.id, 'mark 1');
    await marker(a, b, other.id, 'mark 1b');
    expect(liveTexts(b, lobby.id)).toEqual(['one']);
    // Carol is not in the lobby: its metadata reaches her, its messages do not.
    expect(liveTexts(c, lobby.id)).toEqual([]);
    expect(c.events.some((f) => f.event.type === 'room.updated' && f.event.data.room.topic === 'members only chat')).toBe(true);
    expect(c.events.some((f) => f.event.type === 'room.joined' && f.event.data.roomId === lobby.id && f.event.data.userId === bob.id)).toBe(true);

    await b.call('room.part', { roomId: lobby.id });
    await a.call('message.send', { roomId: lobby.id, text: 'two', nonce: '2' });
    const { message: edited } = await a.call('message.send', { roomId: lobby.id, text: 'three', nonce: '3' });
    await a.call('message.edit', { messageId: edited.id, text: 'three!' });
    await a.call('message.delete', { messageId: edited.id });
    await marker(a, b, other.id, 'mark 2');
    // Nothing of the lobby's messages after the part: no created, edited or deleted.
    const afterPart = b.events.slice(b.events.findIndex((f) => f.event.type === 'room.left'));
    expect(afterPart.filter((f) => f.event.type.startsWith('message.') && f.event.roomId === lobby.id)).toEqual([]);
    expect(liveTexts(b, lobby.id)).toEqual(['one']);
    // Nor by sync: the lobby's messages are redacted for him now (through skips them), its metadata is not.
    const { events } = await syncFromZero(b);
    expect(events.filter((e) => e.type.startsWith('message.') && (e.data.message?.roomId ?? e.data.roomId) === lobby.id)).toEqual([]);
    expect(events.filter((e) => e.roomId === lobby.id).map((e) => e.type)).toEqual(
      expect.arrayContaining(['room.created', 'room.updated', 'room.joined', 'room.left']),
    );
  });

  it("typing reaches the room's members only, and only a member's typing is relayed", async () => {
    let t = 1_700_000_000_000;
    const server = await h.server({ now: () => t });
    const [alice, bob, carol] = [await member(server.url, 'alice'), await member(server.url, 'bob'), await member(server.url, 'carol')];
    const [a, b, c] = [await h.connect(server.url, alice.token), await h.connect(server.url, bob.token), await h.connect(server.url, carol.token)];
    const { room: lobby } = await a.call('room.create', { name: 'lobby' });
    const { room: other } = await a.call('room.create', { name: 'other' });
    for (const x of [b, c]) await x.call('room.join', { roomId: other.id });
    await b.call('room.join', { roomId: lobby.id });
    const typing = (x: RawClient, userId: string) => x.frames.filter((f) => f.type === 'typing' && f.roomId === lobby.id && f.userId === userId).length;

    // Bob (a member) types: alice (a member) is told, carol (who only sees the room) is not.
    b.sendJson({ type: 'typing', roomId: lobby.id });
    await a.waitFrame((f) => f.type === 'typing' && f.roomId === lobby.id && f.userId === bob.id, 'bob typing');
    // Bob's next request travels his socket after the notice; its event reaches carol after any relay would.
    await marker(b, c, other.id, 'after bob typed');
    expect(typing(c, bob.id)).toBe(0);

    // Carol (not in the lobby) types there: relayed to nobody.
    c.sendJson({ type: 'typing', roomId: lobby.id });
    await marker(c, a, other.id, 'after carol typed a');
    await marker(c, b, other.id, 'after carol typed b');
    expect(typing(a, carol.id)).toBe(0);
    expect(typing(b, carol.id)).toBe(0);

    // Bob parts: his typing there is no longer relayed either (a fresh throttle window, to be sure).
    await b.call('room.part', { roomId: lobby.id });
    t += 60_000;
    b.sendJson({ type: 'typing', roomId: lobby.id });
    await marker(b, a, other.id, 'after bob parted');
    expect(typing(a, bob.id)).toBe(1);
  });
});

describe('room.members', () => {
  it('lists the active members who can see the room, to its viewers only', async () => {
    const { server, members, clients, lobby } = await world('dave');
    const [alice, bob, carol, dave] = members as [Member, Member, Member, Member];
    const [a, b, c, d] = clients as [RawClient, RawClient, RawClient, RawClient];
    for (const x of [b, c, d]) await x.call('room.join', { roomId: lobby.id });
    const sorted = (ids: string[]) => [...ids].sort();
    expect(sorted((await b.call('room.members', { roomId: lobby.id })).userIds)).toEqual(sorted([alice.id, bob.id, carol.id, dave.id]));
    // A kicked member is not listed (their membership waits for them, should they come back).
    await memberKick(server.dataDir, 'dave');
    await d.waitClose();
    expect(sorted((await b.call('room.members', { roomId: lobby.id })).userIds)).toEqual(sorted([alice.id, bob.id, carol.id]));
    // A member who can no longer see the room is not in it meanwhile; a viewer who never joined can list it.
    const { role: mods } = await a.call('role.create', { name: 'mods' });
    for (const u of [bob, carol]) await a.call('role.grant', { userId: u.id, roleId: mods.id });
    const { room: staff } = await a.call('room.create', { name: 'staff' });
    await b.call('room.join', { roomId: staff.id });
    await c.call('room.join', { roomId: staff.id });
    await a.call('room.restrict', { roomId: staff.id, roleIds: [mods.id] });
    await a.call('role.revoke', { userId: carol.id, roleId: mods.id });
    expect(sorted((await b.call('room.members', { roomId: staff.id })).userIds)).toEqual(sorted([alice.id, bob.id]));
    expect(await refused(c, 'room.members', { roomId: staff.id })).toEqual(await refused(c, 'room.members', { roomId: 'no-such-room' }));
    // Given the role back, carol is in it again without joining.
    await a.call('role.grant', { userId: carol.id, roleId: mods.id });
    expect(sorted((await b.call('room.members', { roomId: staff.id })).userIds)).toEqual(sorted([alice.id, bob.id, carol.id]));
    await marker(a, c, staff.id, 'carol is back');
  });
});

describe('default rooms', () => {
  it('newcomers join the default rooms they can see at sign-up, with no event of their own; only manage_rooms chooses them', async () => {
    const { server, members, clients, lobby } = await world();
    const [, bob] = members as [Member, Member, Member];
    const [a, b, c] = clients as [RawClient, RawClient, RawClient];
    const { role: mods } = await a.call('role.create', { name: 'mods' });
    const { room: staff } = await a.call('room.create', { name: 'staff', restrictedTo: [mods.id] });
    const { room: bobs } = await b.call('room.create', { name: 'bobs' });
    // A creator may rename their room (manage_own_rooms) but not make it a default.
    expect((await refused(b, 'room.update', { roomId: bobs.id, autoJoin: true })).message).toMatch(/manage_rooms/);
    expect((await b.call('room.update', { roomId: bobs.id, topic: 'mine' })).room.autoJoin).toBeUndefined();

    for (const r of [lobby, staff]) expect((await a.call('room.update', { roomId: r.id, autoJoin: true })).room.autoJoin).toBe(true);
    const seen = await liveEvent(c, (e) => e.type === 'room.updated' && e.data.room.id === lobby.id);
    expect(seen.data.room.autoJoin).toBe(true);
    const head = server.head();
    const erin = await member(server.url, 'erin');
    // Sign-up wrote its user.joined only: the default joins are implied by it.
    expect(server.head()).toBe(head + 1);
    const e = await h.connect(server.url, erin.token);
    const state = await e.call('state');
    expect(state.joined).toEqual([lobby.id]); // not staff: she cannot see it
    expect(state.unread).toEqual({ [lobby.id]: { count: 0, mentions: 0 } });
    expect((await a.call('room.members', { roomId: lobby.id })).userIds).toContain(erin.id);
    await marker(a, e, lobby.id, 'welcome erin');
    // A room that is no longer a default is not joined by later newcomers; earlier joins stay.
    await a.call('room.update', { roomId: lobby.id, autoJoin: false });
    const fred = await member(server.url, 'fred');
    const f = await h.connect(server.url, fred.token);
    expect((await f.call('state')).joined).toEqual([]);
    expect((await e.call('state')).joined).toEqual([lobby.id]);
    // Bob signed up before any default existed: he is in none.
    expect((await b.call('state')).joined).toEqual([bobs.id]);
    expect(bob.id).toBeTruthy();
    await expectConvergent(server.url, erin.token, h);
  });

  it("the server's own #general is a default room: every sign-up is in it", async () => {
    const server = await h.server({ firstRoom: undefined });
    const alice = await member(server.url, 'alice');
    const bob = await member(server.url, 'bob');
    const a = await h.connect(server.url, alice.token);
    const b = await h.connect(server.url, bob.token);
    const [general] = (await a.call('state')).rooms;
    expect(general).toMatchObject({ name: 'general', autoJoin: true });
    for (const x of [a, b]) expect((await x.call('state')).joined).toEqual([general.id]);
    await marker(a, b, general.id, 'hello general');
    // No room.joined anywhere: both joins are implied by their user.joined.
    expect((await syncFromZero(b)).events.map((e) => e.type)).not.toContain('room.joined');
  });
});

describe('state', () => {
  it('joined lists the rooms one is in; unread counts and read markers are kept for those only', async () => {
    const { clients, lobby } = await world();
    const [a, b] = clients as [RawClient, RawClient, RawClient];
    const { room: other } = await a.call('room.create', { name: 'other' });
    await b.call('room.join', { roomId: lobby.id });
    for (const [roomId, text] of [[lobby.id, 'l1'], [lobby.id, 'l2'], [other.id, 'o1']] as const) {
      await a.call('message.send', { roomId, text: `${text} @bob`, nonce: text });
    }
    const state = await b.call('state');
    expect(state.rooms.map((r: Frame) => r.id).sort()).toEqual([lobby.id, other.id].sort());
    expect(state.joined).toEqual([lobby.id]);
    expect(state.unread).toEqual({ [lobby.id]: { count: 2, mentions: 2 } });
    expect(Object.keys(state.readMarkers)).toEqual([lobby.id]);
    // Mentions highlight members only: o1 named bob, who is not in `other`.
    const { messages } = await b.call('history', { roomId: other.id });
    expect(messages[0].mentions).toBeUndefined();
    // Parted, the room is only listed.
    await b.call('room.part', { roomId: lobby.id });
    const after = await b.call('state');
    expect(after.joined).toEqual([]);
    expect(after.unread).toEqual({});
    expect(after.readMarkers).toEqual({});
  });

  it('joining a room with history: none of it is unread yet, as the client model says, in state too', async () => {
    const { server, members, clients, lobby } = await world();
    const [, bob] = members as [Member, Member, Member];
    const [a, b] = clients as [RawClient, RawClient, RawClient];
    for (const i of [1, 2, 3]) await a.call('message.send', { roomId: lobby.id, text: `old ${i} @bob`, nonce: `o${i}` });
    await b.call('room.join', { roomId: lobby.id });
    await a.call('message.send', { roomId: lobby.id, text: 'new', nonce: 'n' });
    const state = await b.call('state');
    expect(state.unread[lobby.id]).toEqual({ count: 1, mentions: 0 });
    // A client that folds the log with the protocol's model (its own room.joined drops what it had and
    // counts from zero) agrees with state, after a reconnect too.
    await liveEvent(b, (e) => e.type === 'message.created' && e.data.message.text === 'new');
    const fresh = await h.connect(server.url, bob.token);
    const again = await fresh.call('state');
    expect(again.unread[lobby.id]).toEqual({ count: 1, mentions: 0 });
    expect((await foldFromZero(fresh, again)).unread[lobby.id]).toEqual(again.unread[lobby.id]);
    // Parting and joining again: what was said meanwhile is not unread either.
    await b.call('room.part', { roomId: lobby.id });
    await a.call('message.send', { roomId: lobby.id, text: 'while away', nonce: 'w' });
    await b.call('room.join', { roomId: lobby.id });
    expect((await b.call('state')).unread[lobby.id]).toEqual({ count: 0, mentions: 0 });
  });
});

describe('migration 5', () => {
  it('joins every existing account to every live text room, flags the server-made room a default, and writes no event', async () => {
    // A community as version 4 knew it: built by this server, then rolled back to version 4 by hand (text
    // rooms had no members; dm rooms did). Only the rooms' creator speaks, so the log has no room.joined.
    const first = await testServer({ firstRoom: 'general' });
    const dataDir = first.dataDir;
    let second: Awaited<ReturnType<typeof testServer>> | null = null;
    try {
      const [alice, bob, carol] = [await member(first.url, 'alice'), await member(first.url, 'bob'), await member(first.url, 'carol')];
      await makeOwner(first, alice.id);
      const a = await h.connect(first.url, alice.token);
      const { room: lobby } = await a.call('room.create', { name: 'lobby' });
      const { role: mods } = await a.call('role.create', { name: 'mods' });
      const { room: staff } = await a.call('room.create', { name: 'staff', restrictedTo: [mods.id] });
      const { room: gone } = await a.call('room.create', { name: 'gone' });
      await a.call('room.delete', { roomId: gone.id });
      await a.call('message.send', { roomId: lobby.id, text: 'from before', nonce: 'b' });
      await a.close();
      await memberKick(first.dataDir, 'carol');
      const general = (await first.app.storage.rooms.all()).find((r) => r.name === 'general')!;
      await first.close();

      const db = new Database(path.join(dataDir, 'od.sqlite'));
      // The log as it stands (the kick was written by another process): the migration must not add to it.
      const { head } = db.prepare('SELECT max(event_order) AS head FROM events').get() as { head: number };
      undoMigration9(db);
      undoMigration5(db);
      db.pragma('user_version = 4');
      db.prepare(`INSERT INTO rooms (id, name, kind, created_by, created_at) VALUES ('dm1', 'dm', 'dm', ?, 1)`).run(alice.id);
      const addMember = db.prepare('INSERT INTO room_members (room_id, user_id) VALUES (?, ?)');
      addMember.run('dm1', alice.id);
      addMember.run('dm1', bob.id);
      expect(db.prepare('SELECT count(*) AS n FROM room_members').get()).toEqual({ n: 2 });
      db.close();

      second = await testServer({ dataDir, firstRoom: 'general' });
      const check = new Database(path.join(dataDir, 'od.sqlite'), { readonly: true });
      try {
        expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
        const rows = check.prepare('SELECT room_id AS roomId, user_id AS userId FROM room_members ORDER BY room_id, user_id').all() as Array<{ roomId: string; userId: string }>;
        const inRoom = (roomId: string) => rows.filter((r) => r.roomId === roomId).map((r) => r.userId).sort();
        const everyone = [alice.id, bob.id, carol.id].sort();
        // Every account, a kicked one too, in every live text room, hidden or not; not in deleted rooms.
        for (const r of [general.id, lobby.id, staff.id]) expect(inRoom(r)).toEqual(everyone);
        expect(inRoom(gone.id)).toEqual([]);
        // dm rooms keep their members.
        expect(inRoom('dm1')).toEqual([alice.id, bob.id].sort());
        const flags = check.prepare('SELECT id, auto_join AS autoJoin FROM rooms WHERE kind = ?').all('text') as Array<{ id: string; autoJoin: number }>;
        expect(Object.fromEntries(flags.map((f) => [f.id, f.autoJoin]))).toEqual({ [general.id]: 1, [lobby.id]: 0, [staff.id]: 0, [gone.id]: 0 });
      } finally {
        check.close();
      }
      // Nothing was written to the log, and a start adds no second #general.
      expect(second.head()).toBe(head);

      // Over the wire: the old community behaves as before, bob receives the lobby without joining it.
      const login = async (username: string) =>
        (await post(second!.url, '/api/login', { username, password: 'correct horse' })).body.accessToken as string;
      const a2 = await h.connect(second.url, await login('alice'));
      const b2 = await h.connect(second.url, await login('bob'));
      const bobState = await b2.call('state');
      // (The dm is his as before: a dm's members are in it.)
      expect([...bobState.joined].sort()).toEqual([general.id, lobby.id, 'dm1'].sort());
      expect(bobState.unread[lobby.id]).toEqual({ count: 1, mentions: 0 });
      await marker(a2, b2, lobby.id, 'after the upgrade');
      expect((await b2.call('message.send', { roomId: lobby.id, text: 'still here', nonce: 's' })).message.text).toBe('still here');
      // A newcomer joins the default room only.
      const dan = await signup(second.url, 'dan');
      const d2 = await h.connect(second.url, dan.accessToken);
      expect((await d2.call('state')).joined).toEqual([general.id]);
    } finally {
      await first.close();
      await second?.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
