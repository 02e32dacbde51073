import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { expectConvergent, Harness, liveEvent, makeOwner, member, refused, syncFromZero, type Member } from './community-support.js';
import { RawClient, testServer } from './helpers.js';

/*
 * Direct and group chats, read receipts and personal room settings, over real sockets on 127.0.0.1:0 and
 * real SQLite files. "Nothing arrived" is judged after a later event that travels the same socket has
 * arrived (never after a sleep).
 */
const h = new Harness();
afterEach(() => h.release());

type Frame = Record<string, any>;
const NOT_FOUND = { code: 'NOT_FOUND', message: 'room not found' };

/** alice (the owner), bob, carol, dave, each connected. */
async function world() {
  const { server, members, clients } = await h.community('alice', 'bob', 'carol', 'dave');
  return { server, members: members as [Member, Member, Member, Member], clients: clients as [RawClient, RawClient, RawClient, RawClient] };
}

/** Every request a member could make about a room, each of which must answer a non-member like a missing room. */
async function expectHidden(c: RawClient, roomId: string, someone: string): Promise<void> {
  const missing = 'no-such-room';
  for (const id of [roomId, missing]) {
    expect(await refused(c, 'history', { roomId: id, limit: 10 })).toEqual(NOT_FOUND);
    expect(await refused(c, 'message.send', { roomId: id, text: 'hi', nonce: `n-${id}` })).toEqual(NOT_FOUND);
    expect(await refused(c, 'read.mark', { roomId: id, order: 1 })).toEqual(NOT_FOUND);
    expect(await refused(c, 'read.unmark', { roomId: id, order: 1 })).toEqual(NOT_FOUND);
    expect(await refused(c, 'room.members', { roomId: id })).toEqual(NOT_FOUND);
    expect(await refused(c, 'room.join', { roomId: id })).toEqual(NOT_FOUND);
    expect(await refused(c, 'room.settings', { roomId: id, muted: true })).toEqual(NOT_FOUND);
    expect(await refused(c, 'group.add', { roomId: id, userId: someone })).toEqual(NOT_FOUND);
    expect(await refused(c, 'group.remove', { roomId: id, userId: someone })).toEqual(NOT_FOUND);
    expect(await refused(c, 'group.update', { roomId: id, name: 'x' })).toEqual(NOT_FOUND);
  }
  const state = await c.call('state');
  expect(state.rooms.map((r: Frame) => r.id)).not.toContain(roomId);
  expect(state.joined).not.toContain(roomId);
  expect(state.unread[roomId]).toBeUndefined();
  expect(state.readMarkers[roomId]).toBeUndefined();
  expect(state.receipts?.[roomId]).toBeUndefined();
  const { events } = await syncFromZero(c);
  expect(events.filter((e) => e.roomId === roomId || e.data?.roomId === roomId)).toEqual([]);
}

describe('direct chats', () => {
  it('one room per pair: opening again, from either side, answers the same room and writes nothing', async () => {
    const { server, members, clients } = await world();
    const [, bob, carol] = members;
    const [, b, c] = clients;
    const { room } = await b.call('dm.open', { userId: carol.id });
    expect(room).toMatchObject({ kind: 'dm', name: '', members: [bob.id, carol.id].sort() });
    // The other side learns of it when it is first opened, and is in it.
    const created = await liveEvent(c, (e) => e.type === 'room.created' && e.data.room.id === room.id, 'carol gets the dm');
    expect(created.data.room).toEqual(room);
    const head = server.head();
    expect((await b.call('dm.open', { userId: carol.id })).room).toEqual(room);
    expect((await c.call('dm.open', { userId: bob.id })).room).toEqual(room);
    expect(server.head()).toBe(head);
    expect((await c.call('state')).joined).toContain(room.id);

    // Both can talk in it at once.
    await c.call('message.send', { roomId: room.id, text: 'hi bob', nonce: 'n1' });
    await liveEvent(b, (e) => e.type === 'message.created' && e.data.message.text === 'hi bob');

    expect(await refused(b, 'dm.open', { userId: bob.id })).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await refused(b, 'dm.open', { userId: 'nobody' })).toEqual({ code: 'NOT_FOUND', message: 'user not found' });
    expect(await refused(b, 'dm.open', { userId: carol.id, extra: 1 })).toMatchObject({ code: 'BAD_REQUEST' });
    await expectConvergent(server.url, bob.token, h);
    await expectConvergent(server.url, carol.token, h);
  });

  it('only its two members see it: the owner gets what a missing room gets, in every answer', async () => {
    const { members, clients } = await world();
    const [alice, bob, carol] = members;
    const [a, b, c, d] = clients;
    const { room } = await b.call('dm.open', { userId: carol.id });
    await b.call('message.send', { roomId: room.id, text: 'secret', nonce: 's1' });
    await liveEvent(c, (e) => e.type === 'message.created' && e.data.message.text === 'secret');
    // A later public event on the same sockets: had anything of the chat reached a or d, it came before.
    const { room: lobby } = await a.call('room.create', { name: 'lobby' });
    for (const x of [a, d]) {
      await liveEvent(x, (e) => e.type === 'room.created' && e.data.room.id === lobby.id);
      expect(x.events.filter((f) => f.event.roomId === room.id)).toEqual([]);
    }
    await expectHidden(a, room.id, bob.id);
    await expectHidden(d, room.id, alice.id);
  });
});

describe('group chats', () => {
  it('its admins add, remove, rename and set the topic; members may leave; a removed member stops receiving at once', async () => {
    const { server, members, clients } = await world();
    const [alice, bob, carol, dave] = members;
    const [a, b, c, d] = clients;
    const { room } = await b.call('group.create', { name: 'plans', userIds: [carol.id] });
    expect(room).toMatchObject({ kind: 'group', name: 'plans', members: [bob.id, carol.id].sort(), admins: [bob.id] });
    await liveEvent(c, (e) => e.type === 'room.created' && e.data.room.id === room.id);

    // Only the creator changes it.
    expect(await refused(c, 'group.add', { roomId: room.id, userId: dave.id })).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refused(c, 'group.update', { roomId: room.id, name: 'mine' })).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refused(c, 'group.remove', { roomId: room.id, userId: bob.id })).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refused(b, 'group.update', { roomId: room.id, name: ' ' })).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await refused(b, 'group.add', { roomId: room.id, userId: 'nobody' })).toEqual({ code: 'NOT_FOUND', message: 'user not found' });
    // The text-room ways of leaving and renaming do not apply, whatever one's server permissions.
    expect(await refused(c, 'room.part', { roomId: room.id })).toMatchObject({ code: 'BAD_REQUEST' });
    await makeOwner(server, carol.id);
    expect(await refused(c, 'room.update', { roomId: room.id, name: 'mine' })).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await refused(c, 'room.delete', { roomId: room.id })).toEqual(NOT_FOUND);

    // Adding: dave learns of the chat (access.changed), everyone in it sees him join.
    const { room: withDave } = await b.call('group.add', { roomId: room.id, userId: dave.id });
    expect(withDave.members).toEqual([bob.id, carol.id, dave.id].sort());
    await liveEvent(d, (e) => e.type === 'access.changed' && e.data.userId === dave.id);
    await liveEvent(c, (e) => e.type === 'room.joined' && e.data.userId === dave.id);
    expect((await d.call('state')).rooms.map((r: Frame) => r.id)).toContain(room.id);
    let head = server.head();
    await b.call('group.add', { roomId: room.id, userId: dave.id });
    expect(server.head()).toBe(head);

    const { room: renamed } = await b.call('group.update', { roomId: room.id, name: 'trip', topic: 'where to?' });
    expect(renamed).toMatchObject({ name: 'trip', topic: 'where to?' });
    await liveEvent(d, (e) => e.type === 'room.updated' && e.data.room.name === 'trip');

    // The creator makes dave an admin; an admin manages the group too, but only the creator chooses admins
    // or removes one, and no one removes the creator.
    expect(await refused(d, 'group.admin', { roomId: room.id, userId: carol.id, admin: true })).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refused(b, 'group.admin', { roomId: room.id, userId: alice.id, admin: true })).toMatchObject({ code: 'NOT_FOUND' });
    const { room: withAdmin } = await b.call('group.admin', { roomId: room.id, userId: dave.id, admin: true });
    expect(withAdmin.admins).toEqual([bob.id, dave.id].sort());
    await liveEvent(c, (e) => e.type === 'room.updated' && e.data.room.admins?.includes(dave.id));
    expect(await refused(d, 'group.remove', { roomId: room.id, userId: bob.id })).toMatchObject({ code: 'FORBIDDEN' });
    await d.call('group.update', { roomId: room.id, topic: 'by dave' });

    // Removing carol (by dave, an admin): she is told her rooms changed, and nothing of the chat reaches her
    // from then on.
    await d.call('group.remove', { roomId: room.id, userId: carol.id });
    await liveEvent(c, (e) => e.type === 'access.changed' && e.data.userId === carol.id);
    await b.call('message.send', { roomId: room.id, text: 'after carol', nonce: 'm1' });
    await liveEvent(d, (e) => e.type === 'message.created' && e.data.message.text === 'after carol');
    const { room: lobby } = await a.call('room.create', { name: 'lobby' });
    await liveEvent(c, (e) => e.type === 'room.created' && e.data.room.id === lobby.id);
    const carolSaw = c.events.map((f) => f.event).filter((e) => e.roomId === room.id);
    expect(carolSaw.some((e) => e.type === 'room.left' || (e.type === 'message.created' && e.data.message.text === 'after carol'))).toBe(false);
    await expectHidden(c, room.id, dave.id);
    await expectHidden(a, room.id, bob.id);

    // Dave leaves by himself; removing someone not in it writes nothing.
    await d.call('group.remove', { roomId: room.id, userId: dave.id });
    await liveEvent(b, (e) => e.type === 'room.left' && e.data.userId === dave.id);
    head = server.head();
    await b.call('group.remove', { roomId: room.id, userId: dave.id });
    expect(server.head()).toBe(head);
    expect((await b.call('room.members', { roomId: room.id })).userIds).toEqual([bob.id]);
    // Who goes is no admin any more.
    expect((await b.call('state')).rooms.find((r: Frame) => r.id === room.id).admins).toEqual([bob.id]);

    // A fresh fold of the log equals state, for the creator and for someone who left.
    await expectConvergent(server.url, bob.token, h);
    await expectConvergent(server.url, dave.token, h);
    await expectConvergent(server.url, carol.token, h);
  });
});

describe('resuming from an older order', () => {
  it('replays a chat to its members only, and nothing of it to a member removed meanwhile', async () => {
    const { server, members, clients } = await world();
    const [alice, bob, carol, dave] = members;
    const [, b] = clients;
    const { room } = await b.call('group.create', { name: 'plans', userIds: [carol.id, dave.id] });
    await b.call('message.send', { roomId: room.id, text: 'before', nonce: 'b1' });
    const from = server.head();
    await b.call('message.send', { roomId: room.id, text: 'while away', nonce: 'b2' });
    await b.call('group.remove', { roomId: room.id, userId: carol.id });
    await b.call('message.send', { roomId: room.id, text: 'after carol', nonce: 'b3' });
    await b.call('group.update', { roomId: room.id, topic: 'later' });
    const texts = (c: RawClient) => c.replayed.filter((e) => e.type === 'message.created').map((e) => e.data.message.text);

    const d = await h.connect(server.url, dave.token, from);
    expect(texts(d)).toEqual(['while away', 'after carol']);
    expect(d.replayed.map((e) => e.type)).toEqual(expect.arrayContaining(['room.left', 'room.updated']));
    // Carol and the owner resume over the same range: none of it, not even the removal of carol.
    for (const m of [carol, alice]) {
      const c = await h.connect(server.url, m.token, from);
      expect(c.replayed.filter((e) => e.roomId === room.id)).toEqual([]);
      if (m === carol) expect(c.replayed.map((e) => e.type)).toEqual(['access.changed']);
    }
    // And after a restart, the same.
    await server.close();
    const again = await h.server({ dataDir: server.dataDir });
    const d2 = await h.connect(again.url, dave.token, from);
    expect(texts(d2)).toEqual(['while away', 'after carol']);
    const c2 = await h.connect(again.url, carol.token, from);
    expect(c2.replayed.filter((e) => e.roomId === room.id)).toEqual([]);
    expect((await c2.call('state')).rooms.map((r: Frame) => r.id)).not.toContain(room.id);
    await expectConvergent(again.url, dave.token, h);
  });
});

describe('read receipts', () => {
  it('in a chat a member\'s marker reaches its members only; in a text room it stays private; unmark moves it back', async () => {
    const { server, members, clients } = await world();
    const [, , carol] = members;
    const [a, b, c, d] = clients;
    const { room } = await b.call('group.create', { name: 'pair', userIds: [carol.id] });
    const sent = (await b.call('message.send', { roomId: room.id, text: 'one', nonce: 'r1' })).message;
    await c.call('read.mark', { roomId: room.id, order: sent.order });
    const receipt = await liveEvent(b, (e) => e.type === 'read.receipt');
    expect(receipt).toMatchObject({ roomId: room.id, actorId: carol.id, data: { roomId: room.id, userId: carol.id, order: sent.order } });
    expect((await b.call('state')).receipts[room.id]).toEqual({ [carol.id]: sent.order });

    // A text room: carol's marker reaches no one else.
    const { room: lobby } = await a.call('room.create', { name: 'lobby' });
    await b.call('room.join', { roomId: lobby.id });
    await c.call('room.join', { roomId: lobby.id });
    const said = (await a.call('message.send', { roomId: lobby.id, text: 'hello', nonce: 'r2' })).message;
    await c.call('read.mark', { roomId: lobby.id, order: said.order });
    // A later event after which anything carol's marker caused would have arrived.
    await a.call('message.send', { roomId: lobby.id, text: 'later', nonce: 'r3' });
    await liveEvent(b, (e) => e.type === 'message.created' && e.data.message.text === 'later');
    await liveEvent(d, (e) => e.type === 'room.created' && e.data.room.id === lobby.id);
    const receipts = (x: RawClient) => x.events.map((f) => f.event).filter((e) => e.type === 'read.receipt' || e.type === 'read.marked');
    expect(receipts(b).filter((e) => e.actorId === carol.id).map((e) => e.roomId)).toEqual([room.id]);
    expect(receipts(a)).toEqual([]);
    expect(receipts(d)).toEqual([]);

    // Mark unread again from the message on: the marker moves back, privately, and the members see it.
    await c.call('read.unmark', { roomId: room.id, order: sent.order });
    await liveEvent(c, (e) => e.type === 'read.unmarked' && e.data.order === sent.order - 1);
    await liveEvent(b, (e) => e.type === 'read.receipt' && e.data.order === sent.order - 1);
    const cs = await c.call('state');
    expect(cs.readMarkers[room.id]).toBe(sent.order - 1);
    expect(cs.unread[room.id]).toEqual({ count: 1, mentions: 0 });
    // Unmarking what is unread already writes nothing.
    const head = server.head();
    await c.call('read.unmark', { roomId: room.id, order: sent.order });
    expect(server.head()).toBe(head);
    await expectConvergent(server.url, carol.token, h);
  });
});

describe('personal room settings', () => {
  it('reach the user\'s other connections only, are in state, and survive a restart', async () => {
    const server = await testServer();
    const dataDir = server.dataDir;
    let current = server;
    let closed = false;
    const cleanup = async () => {
      if (!closed) await current.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    };
    try {
      const bob = await member(server.url, 'bob');
      const carol = await member(server.url, 'carol');
      await makeOwner(server, bob.id);
      const b1 = await h.connect(server.url, bob.token);
      const b2 = await h.connect(server.url, bob.token);
      const c = await h.connect(server.url, carol.token);
      const { room } = await b1.call('dm.open', { userId: carol.id });
      const beforeSettings = server.head();
      const { settings } = await b1.call('room.settings', { roomId: room.id, muted: true, level: 'mentions', localName: 'Carol C' });
      expect(settings).toEqual({ roomId: room.id, muted: true, level: 'mentions', localName: 'Carol C' });
      const changed = await liveEvent(b2, (e) => e.type === 'room.settings.changed');
      expect(changed.data.settings).toEqual(settings);
      const head = server.head();
      expect((await b2.call('room.settings', { roomId: room.id, muted: true })).settings).toEqual(settings);
      expect(server.head()).toBe(head);
      expect((await b1.call('notify.defaults', { chats: 'none' })).defaults).toEqual({ rooms: 'mentions', chats: 'none' });
      await liveEvent(b2, (e) => e.type === 'notify.defaults.changed' && e.data.defaults.chats === 'none');
      expect(await refused(b1, 'notify.defaults', { level: 'none' })).toMatchObject({ code: 'BAD_REQUEST' });
      expect(await refused(b1, 'room.settings', { roomId: room.id, level: 'loud' })).toMatchObject({ code: 'BAD_REQUEST' });
      expect(await refused(b1, 'room.settings', { roomId: room.id, localName: '\u200b' })).toMatchObject({ code: 'BAD_REQUEST' });
      // Carol learns nothing of bob's settings: her socket saw the chat and then the next public event only.
      await c.call('message.send', { roomId: room.id, text: 'ping', nonce: 'p' });
      await liveEvent(b1, (e) => e.type === 'message.created' && e.data.message.text === 'ping');
      expect(c.events.map((f) => f.event.type).filter((t) => t.startsWith('room.settings') || t.startsWith('notify.'))).toEqual([]);
      expect((await c.call('state')).roomSettings).toEqual([]);
      // The unread count stays exact whatever the level.
      expect((await b1.call('state')).unread[room.id]).toEqual({ count: 1, mentions: 0 });

      await current.close();
      closed = true;
      current = await testServer({ dataDir });
      closed = false;
      const again = await h.connect(current.url, bob.token);
      const s = await again.call('state');
      expect(s.roomSettings).toEqual([settings]);
      expect(s.notifyDefaults).toEqual({ rooms: 'mentions', chats: 'none' });
      expect(s.unread[room.id]).toEqual({ count: 1, mentions: 0 });
      // Resuming from an older order replays the private events to their user.
      const resumed = await h.connect(current.url, bob.token, beforeSettings);
      expect(resumed.replayed.map((e) => e.type)).toEqual(expect.arrayContaining(['room.settings.changed', 'notify.defaults.changed']));
      const carolResumed = await h.connect(current.url, carol.token, beforeSettings);
      expect(carolResumed.replayed.map((e) => e.type).filter((t: string) => t.startsWith('room.settings') || t.startsWith('notify.'))).toEqual([]);
      // The chat is the same room after the restart.
      expect((await again.call('dm.open', { userId: carol.id })).room.id).toBe(room.id);
      await expectConvergent(current.url, bob.token, h);
    } finally {
      await h.release();
      await cleanup();
    }
  });
});
