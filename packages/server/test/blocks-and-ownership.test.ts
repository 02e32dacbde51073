import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { expectConvergent, Harness, liveEvent, member, refused, type Member } from './community-support.js';
import { RawClient, testServer } from './helpers.js';

/*
 * Blocking users and handing group chats on, over real sockets on 127.0.0.1:0 and real SQLite files.
 * "Nothing arrived" is judged after a later event on the same socket has arrived (never after a sleep).
 */
const h = new Harness();
afterEach(() => h.release());

type Frame = Record<string, any>;
const BLOCKED_BY_THEM = { code: 'FORBIDDEN', message: 'this user does not accept direct messages or group invitations from you' };
const BLOCKED_BY_ME = { code: 'FORBIDDEN', message: 'you blocked this user: unblock them first' };

async function world() {
  const { server, members, clients } = await h.community('alice', 'bob', 'carol', 'dave');
  return { server, members: members as [Member, Member, Member, Member], clients: clients as [RawClient, RawClient, RawClient, RawClient] };
}

const types = (c: RawClient) => c.events.map((f) => f.event.type as string);

describe('blocking', () => {
  it('closes the direct chat both ways, refuses a new one and group adds; the list is private, in state, and undone by unblocking', async () => {
    const { server, members, clients } = await world();
    const [, bob, carol, dave] = members;
    const [, b, c, d] = clients;
    const { room: dm } = await c.call('dm.open', { userId: bob.id });
    await c.call('message.send', { roomId: dm.id, text: 'hello', nonce: 'h1' });

    // bob blocks carol: his own devices learn it, carol learns nothing.
    const b2 = await h.connect(server.url, bob.token);
    expect(await b.call('user.block', { userId: carol.id, blocked: true })).toEqual({ blocked: [carol.id] });
    const ev = await liveEvent(b2, (e) => e.type === 'user.blocked');
    expect(ev.data).toEqual({ userId: carol.id, blocked: true });
    expect(ev.roomId).toBeNull();
    const head = server.head();
    expect(await b.call('user.block', { userId: carol.id, blocked: true })).toEqual({ blocked: [carol.id] });
    expect(server.head()).toBe(head);

    // The chat they share is closed both ways; a new one cannot be opened from either side.
    expect(await refused(c, 'message.send', { roomId: dm.id, text: 'still there?', nonce: 'h2' })).toEqual(BLOCKED_BY_THEM);
    expect(await refused(b, 'message.send', { roomId: dm.id, text: 'go away', nonce: 'h3' })).toEqual(BLOCKED_BY_ME);
    expect(await refused(c, 'dm.open', { userId: bob.id })).toEqual(BLOCKED_BY_THEM);
    expect(await refused(b, 'dm.open', { userId: carol.id })).toEqual(BLOCKED_BY_ME);
    // carol cannot put bob in a group, neither at creation nor later; others still can.
    expect(await refused(c, 'group.create', { name: 'trap', userIds: [bob.id, dave.id] })).toEqual(BLOCKED_BY_THEM);
    const { room: group } = await c.call('group.create', { name: 'plain', userIds: [dave.id] });
    expect(await refused(c, 'group.add', { roomId: group.id, userId: bob.id })).toEqual(BLOCKED_BY_THEM);
    const { room: daves } = await d.call('group.create', { name: 'daves', userIds: [bob.id, carol.id] });
    expect(daves.members).toEqual([bob.id, carol.id, dave.id].sort());
    // Shared rooms are untouched: carol's messages still reach bob (od hides them), nothing is filtered.
    await c.call('message.send', { roomId: daves.id, text: 'in the group', nonce: 'g1' });
    await liveEvent(b, (e) => e.type === 'message.created' && e.data.message.text === 'in the group');

    // Private: carol's socket never saw user.blocked, and her state has no list; bob's has his.
    expect(types(c)).not.toContain('user.blocked');
    expect((await c.call('state')).blocked).toBeUndefined();
    expect((await b.call('state')).blocked).toEqual([carol.id]);
    expect(await c.call('user.blocks', {})).toEqual({ blocked: [] });
    expect(await b.call('user.blocks', {})).toEqual({ blocked: [carol.id] });

    // Bad input: oneself, a missing user, unknown fields.
    expect(await refused(b, 'user.block', { userId: bob.id, blocked: true })).toEqual({ code: 'BAD_REQUEST', message: 'you cannot block yourself' });
    expect(await refused(b, 'user.block', { userId: 'nobody', blocked: true })).toEqual({ code: 'NOT_FOUND', message: 'user not found' });
    expect(await refused(b, 'user.block', { userId: carol.id })).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await refused(b, 'user.blocks', { extra: 1 })).toMatchObject({ code: 'BAD_REQUEST' });

    // Unblocking opens the chat again.
    expect(await b.call('user.block', { userId: carol.id, blocked: false })).toEqual({ blocked: [] });
    await liveEvent(b2, (e) => e.type === 'user.blocked' && e.data.blocked === false);
    await c.call('message.send', { roomId: dm.id, text: 'friends again', nonce: 'h4' });
    await liveEvent(b, (e) => e.type === 'message.created' && e.data.message.text === 'friends again');
    expect(types(c)).not.toContain('user.blocked');
    await expectConvergent(server.url, bob.token, h);
    await expectConvergent(server.url, carol.token, h);
  });

  it('survives a restart and replays to the blocker only when resuming', async () => {
    const server = await testServer();
    const dataDir = server.dataDir;
    let current = server;
    try {
      const bob = await member(server.url, 'bob');
      const carol = await member(server.url, 'carol');
      const b = await h.connect(server.url, bob.token);
      const before = server.head();
      await b.call('user.block', { userId: carol.id, blocked: true });
      await current.close();
      current = await testServer({ dataDir });
      const again = await h.connect(current.url, bob.token);
      expect((await again.call('state')).blocked).toEqual([carol.id]);
      const c = await h.connect(current.url, carol.token);
      expect(await refused(c, 'dm.open', { userId: bob.id })).toEqual(BLOCKED_BY_THEM);
      const resumed = await h.connect(current.url, bob.token, before);
      expect(resumed.replayed.filter((e: Frame) => e.type === 'user.blocked').map((e: Frame) => e.data)).toEqual([{ userId: carol.id, blocked: true }]);
      const carolResumed = await h.connect(current.url, carol.token, before);
      expect(carolResumed.replayed.map((e: Frame) => e.type)).not.toContain('user.blocked');
      await expectConvergent(current.url, bob.token, h);
    } finally {
      await current.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('group ownership', () => {
  it('its owner hands it on; only the owner may; the new owner chooses admins and the old one is an admin', async () => {
    const { server, members, clients } = await world();
    const [alice, bob, carol, dave] = members;
    const [a, b, c] = clients;
    const { room } = await b.call('group.create', { name: 'crew', userIds: [carol.id, dave.id] });
    expect(room.owner).toBe(bob.id);
    expect(await refused(c, 'group.transfer', { roomId: room.id, userId: carol.id })).toEqual({ code: 'FORBIDDEN', message: "only the group's owner hands it on" });
    expect(await refused(b, 'group.transfer', { roomId: room.id, userId: alice.id })).toEqual({ code: 'NOT_FOUND', message: 'no such member in this group' });
    // Someone outside answers like a missing room.
    expect(await refused(a, 'group.transfer', { roomId: room.id, userId: carol.id })).toEqual({ code: 'NOT_FOUND', message: 'room not found' });
    const head = server.head();
    expect((await b.call('group.transfer', { roomId: room.id, userId: bob.id })).room.owner).toBe(bob.id);
    expect(server.head()).toBe(head);

    const { room: handed } = await b.call('group.transfer', { roomId: room.id, userId: carol.id });
    expect(handed.owner).toBe(carol.id);
    expect(handed.admins).toEqual([bob.id, carol.id].sort());
    const seen = await liveEvent(c, (e) => e.type === 'room.updated' && e.data.room.owner === carol.id);
    expect(seen.data.room).toEqual(handed);
    // Now carol, not bob, chooses admins and cannot be removed; bob may be removed by her.
    expect(await refused(b, 'group.admin', { roomId: room.id, userId: dave.id, admin: true })).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refused(b, 'group.remove', { roomId: room.id, userId: carol.id })).toMatchObject({ code: 'FORBIDDEN' });
    await c.call('group.admin', { roomId: room.id, userId: dave.id, admin: true });
    expect((await c.call('group.remove', { roomId: room.id, userId: bob.id })).ok).toBe(true);
    expect((await c.call('state')).rooms.find((r: Frame) => r.id === room.id).owner).toBe(carol.id);
    await expectConvergent(server.url, carol.token, h);
  });

  it('an owner who leaves hands it to the admin who joined first, else the member who joined first', async () => {
    const { server, members, clients } = await world();
    const [alice, bob, carol, dave] = members;
    const [a, b, c, d] = clients;
    // Members in order of joining: bob (creator), dave, carol, then alice added later.
    const { room } = await b.call('group.create', { name: 'crew', userIds: [dave.id, carol.id] });
    await b.call('group.add', { roomId: room.id, userId: alice.id });
    await b.call('group.admin', { roomId: room.id, userId: alice.id, admin: true });
    // bob leaves: alice is the only other admin, so she owns it, though dave and carol joined before her.
    await b.call('group.remove', { roomId: room.id, userId: bob.id });
    const updated = await liveEvent(d, (e) => e.type === 'room.updated' && e.data.room.owner === alice.id);
    expect(updated.data.room.members).toEqual([alice.id, carol.id, dave.id].sort());
    // alice leaves: no admin is left, so the member who joined first: dave (the creation listed him before carol).
    await a.call('group.remove', { roomId: room.id, userId: alice.id });
    const next = await liveEvent(c, (e) => e.type === 'room.updated' && e.data.room.owner === dave.id);
    expect(next.data.room.admins).toEqual([dave.id]);
    // The heir may now rename it and choose admins.
    await d.call('group.update', { roomId: room.id, name: 'crew two' });
    await d.call('group.admin', { roomId: room.id, userId: carol.id, admin: true });
    // The last member leaving leaves it ownerless and writes no hand-over.
    await c.call('group.remove', { roomId: room.id, userId: carol.id });
    const head = server.head();
    await d.call('group.remove', { roomId: room.id, userId: dave.id });
    expect(server.head()).toBe(head + 2); // room.left and access.changed, no room.updated
    await expectConvergent(server.url, dave.token, h);
  });
});
