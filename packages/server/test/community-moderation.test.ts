import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from '@open-discord/protocol';
import { createInvite } from '../src/features/accounts/service.js';
import { expectConvergent, Harness, liveEvent, refused, syncFromZero, type Member } from './community-support.js';
import { post, signup, type RawClient } from './helpers.js';

const h = new Harness();
afterEach(() => h.release());

async function world() {
  const { server, members, clients } = await h.community('olive', 'pete', 'otto');
  const [owner, pleb, other] = members as [Member, Member, Member];
  const [o, p, x] = clients as [RawClient, RawClient, RawClient];
  const { room } = await o.call('room.create', { name: 'lobby' });
  // The others are in the lobby too: its messages reach members only.
  await p.call('room.join', { roomId: room.id });
  await x.call('room.join', { roomId: room.id });
  return { server, owner, pleb, other, o, p, x, room };
}

describe('message edit and delete', () => {
  it('authors edit and delete their own; moderators delete others; the text is gone from history and sync', async () => {
    const { server, pleb, o, p, x, room } = await world();
    const { message: m1 } = await p.call('message.send', { roomId: room.id, text: 'tpyo', nonce: 'a' });
    const { message: edited } = await p.call('message.edit', { messageId: m1.id, text: 'typo fixed' });
    expect(edited).toMatchObject({ id: m1.id, text: 'typo fixed', order: m1.order });
    expect(edited.editedAt).toBeGreaterThan(0);
    await liveEvent(x, (e) => e.type === 'message.edited' && e.data.message.text === 'typo fixed');

    const { message: m2 } = await p.call('message.send', { roomId: room.id, text: 'my secret password', nonce: 'b' });
    const { message: m3 } = await o.call('message.send', { roomId: room.id, text: 'owner says', nonce: 'c' });
    const head = server.head();
    expect((await refused(x, 'message.edit', { messageId: m1.id, text: 'hijack' })).code).toBe('FORBIDDEN');
    const err = await refused(x, 'message.delete', { messageId: m1.id });
    expect(err).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/moderate_messages/) });
    expect(server.head()).toBe(head);

    await p.call('message.delete', { messageId: m2.id });
    await liveEvent(x, (e) => e.type === 'message.deleted' && e.data.messageId === m2.id);
    await o.call('message.delete', { messageId: m1.id }); // the owner moderates
    await liveEvent(x, (e) => e.type === 'message.deleted' && e.data.messageId === m1.id);
    expect((await refused(p, 'message.delete', { messageId: m2.id })).message).toBe('message not found');
    expect((await refused(p, 'message.edit', { messageId: m2.id, text: 'again' })).message).toBe('message not found');

    const { messages } = await x.call('history', { roomId: room.id });
    expect(messages.map((m: any) => m.id)).toEqual([m3.id]);
    // A client that syncs later never receives the deleted texts, not even inside the old events.
    const fresh = await h.connect(server.url, pleb.token);
    const { events } = await syncFromZero(fresh);
    const dump = JSON.stringify(events);
    expect(dump).not.toContain('my secret password');
    expect(dump).not.toContain('tpyo');
    expect(dump).not.toContain('typo fixed');
    expect(events.filter((e) => e.type === 'message.deleted')).toHaveLength(2);
    await expectConvergent(server.url, pleb.token, h);
  });
});

describe('kick and ban', () => {
  it('kick: user.removed live, sockets closed 4410 (removed), tokens revoked; they rejoin with a new invite as the same account', async () => {
    const server = await h.server({ registration: 'invite' });
    const ownerPair = await signup(server.url, 'olive', { invite: server.firstRunInvite });
    const { storage: store } = server.app;
    const invite = await createInvite({ store, now: Date.now }, { uses: 1 });
    const petePair = await signup(server.url, 'pete', { invite });
    const o = await h.connect(server.url, ownerPair.accessToken);
    const p = await h.connect(server.url, petePair.accessToken);
    const { room } = await o.call('room.create', { name: 'lobby' });
    await p.call('room.join', { roomId: room.id });
    await p.call('message.send', { roomId: room.id, text: 'hello', nonce: 'h' });

    await o.call('member.kick', { userId: petePair.user.id });
    const removed = await liveEvent(o, (e) => e.type === 'user.removed');
    expect(removed.data).toEqual({ userId: petePair.user.id, reason: 'kicked' });
    expect(await p.waitClose()).toBe(CloseCode.REMOVED);
    expect(p.events.some((f) => f.event.type === 'user.removed')).toBe(true);
    expect((await post(server.url, '/api/refresh', { refreshToken: petePair.refreshToken })).status).toBe(401);
    const login = await post(server.url, '/api/login', { username: 'pete', password: 'correct horse' });
    expect(login.status).toBe(403);
    expect(login.body.error.message).toMatch(/new invite/);
    // Unknown users and wrong passwords still get the same answer as ever.
    expect((await post(server.url, '/api/login', { username: 'pete', password: 'wrong password' })).status).toBe(401);
    const state = await expectConvergent(server.url, ownerPair.accessToken, h);
    expect(state.users.map((u) => u.nickname)).toEqual(['olive']);
    // The kicked member's nickname stays theirs.
    expect((await refused(o, 'nick.set', { nickname: 'Pete' })).code).toBe('CONFLICT');

    const again = await signup(server.url, 'pete', { invite: await createInvite({ store, now: Date.now }, { uses: 1 }) });
    expect(again.user).toMatchObject({ id: petePair.user.id, nickname: 'pete', roles: [] });
    await liveEvent(o, (e) => e.type === 'user.joined' && e.data.user.id === petePair.user.id);
    const back = await h.connect(server.url, again.accessToken);
    expect((await back.call('history', { roomId: room.id })).messages[0].authorId).toBe(petePair.user.id);
    // Someone else cannot take over the kicked account by signing up with its username.
    await o.call('member.kick', { userId: petePair.user.id });
    const stranger = await post(server.url, '/api/signup', { username: 'pete', password: 'other password', invite: await createInvite({ store, now: Date.now }) });
    expect(stranger.status).toBe(409);
  });

  it('ban: sockets closed 4403, login refused, no rejoin; unban lets them rejoin with an invite', async () => {
    const { server, owner, pleb, o, p, x } = await world();
    await o.call('member.ban', { userId: pleb.id });
    expect(await p.waitClose()).toBe(CloseCode.FORBIDDEN);
    await liveEvent(x, (e) => e.type === 'user.removed' && e.data.reason === 'banned');
    const login = await post(server.url, '/api/login', { username: 'pete', password: 'correct horse' });
    expect(login).toMatchObject({ status: 403, body: { error: { message: expect.stringMatching(/banned/) } } });
    expect((await post(server.url, '/api/signup', { username: 'pete', password: 'correct horse' })).status).toBe(409);
    await expectConvergent(server.url, owner.token, h);

    await server.app.services.moderation.unban(null, { userId: pleb.id });
    const back = await signup(server.url, 'pete');
    expect(back.user.id).toBe(pleb.id);
  });

  it('member.unban over the wire: manage_members and a higher rank; writes no event; they rejoin with an invite', async () => {
    const { server, owner, pleb, other, o, p, x } = await world();
    await o.call('member.ban', { userId: pleb.id });
    expect(await p.waitClose()).toBe(CloseCode.FORBIDDEN);
    const head = server.head();
    // Without manage_members: refused, nothing written, still banned.
    expect((await refused(x, 'member.unban', { userId: pleb.id })).message).toMatch(/manage_members/);
    expect((await refused(o, 'member.unban', { userId: other.id })).message).toBe('no banned user by that id');
    expect((await refused(o, 'member.unban', { userId: 'nobody' })).code).toBe('NOT_FOUND');
    expect(server.head()).toBe(head);
    expect((await post(server.url, '/api/signup', { username: 'pete', password: 'correct horse' })).status).toBe(409);

    // Holding manage_members through everyone alone (rank 0) does not outrank the banned account, whose
    // roles were dropped (rank 0 too): refused. A moderator role above it may unban.
    await o.call('role.update', { roleId: 'everyone', add: ['manage_members'] });
    const head2 = server.head();
    expect((await refused(x, 'member.unban', { userId: pleb.id })).message).toMatch(/outranks you/);
    expect(server.head()).toBe(head2);
    await o.call('role.update', { roleId: 'everyone', remove: ['manage_members'] });
    const { role: mods } = await o.call('role.create', { name: 'mods' });
    await o.call('role.update', { roleId: mods.id, add: ['manage_members'] });
    await o.call('role.grant', { userId: other.id, roleId: mods.id });
    const head3 = server.head();

    await x.call('member.unban', { userId: pleb.id });
    expect(server.head()).toBe(head3); // unban is not an event
    const back = await signup(server.url, 'pete');
    expect(back.user.id).toBe(pleb.id);
    await expectConvergent(server.url, owner.token, h);
  });

  it('rank rules: nobody removes themself, the owner, or someone at or above them', async () => {
    const { server, owner, pleb, other, o, p, x } = await world();
    const { role: mods } = await o.call('role.create', { name: 'mods' });
    await o.call('role.update', { roleId: mods.id, add: ['manage_members'] });
    await o.call('role.grant', { userId: pleb.id, roleId: mods.id });
    await o.call('role.grant', { userId: other.id, roleId: mods.id });
    const head = server.head();
    expect((await refused(p, 'member.kick', { userId: other.id })).message).toMatch(/outranks you/);
    expect((await refused(p, 'member.ban', { userId: owner.id })).message).toMatch(/owner cannot be removed/);
    expect((await refused(p, 'member.kick', { userId: pleb.id })).code).toBe('BAD_REQUEST');
    expect((await refused(o, 'member.kick', { userId: 'nobody' })).message).toBe('user not found');
    expect(server.head()).toBe(head);
    await o.call('role.revoke', { userId: other.id, roleId: mods.id });
    await p.call('member.kick', { userId: other.id });
    expect(await x.waitClose()).toBe(CloseCode.REMOVED);
  });
});
