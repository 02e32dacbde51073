import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from '@open-discord/protocol';
import { inviteList, inviteRevoke, userList } from '../src/cli/admin.js';
import { memberBan, memberKick } from '../src/cli/community.js';
import { expectConvergent, Harness, refused, syncFromZero } from './community-support.js';
import { post, type RawClient, signup, testServer } from './helpers.js';

type Clients = [RawClient, RawClient, RawClient, RawClient];

/*
 * Issue 8, the first hour of a new community, on the server: #general on first start, invites over the
 * wire, IRC-style highlights, former authors in `state`, `user list`, and creators managing their rooms.
 * Real sockets on 127.0.0.1:0 and real SQLite files.
 */
const h = new Harness();
afterEach(() => h.release());

describe('first start', () => {
  it('a fresh data folder gets #general as a real room.created; later starts never add another, even after it was deleted', async () => {
    // `firstRoom: undefined`: the server's default, as `od-server start` runs it.
    const first = await testServer({ firstRoom: undefined, registration: 'invite' });
    let dataDir = first.dataDir;
    let second: Awaited<ReturnType<typeof testServer>> | null = null;
    try {
      const owner = await signup(first.url, 'owner', { invite: first.firstRunInvite });
      const c = await h.connect(first.url, owner.accessToken);
      const state = await c.call('state');
      expect(state.rooms.map((r: { name: string }) => r.name)).toEqual(['general']);
      const { events } = await syncFromZero(c);
      const created = events.filter((e) => e.type === 'room.created');
      expect(created).toHaveLength(1);
      expect(created[0]).toMatchObject({ order: 1, actorId: null, data: { room: { name: 'general', restrictedTo: null } } });
      await c.close();
      await first.close();

      // A second start on the same folder adds nothing.
      second = await testServer({ firstRoom: undefined, dataDir });
      const again = await h.connect(second.url, (await post(second.url, '/api/login', { username: 'owner', password: 'correct horse' })).body.accessToken);
      const rooms = (await again.call('state')).rooms;
      expect(rooms.map((r: { name: string }) => r.name)).toEqual(['general']);
      // Deleted by the owner, it stays deleted across restarts.
      await again.call('room.delete', { roomId: rooms[0].id });
      await again.close();
      await second.close();
      second = await testServer({ firstRoom: undefined, dataDir });
      const third = await h.connect(second.url, (await post(second.url, '/api/login', { username: 'owner', password: 'correct horse' })).body.accessToken);
      expect((await third.call('state')).rooms).toEqual([]);
      await third.close();
    } finally {
      await first.close();
      await second?.close();
      const fs = await import('node:fs');
      fs.rmSync(dataDir, { recursive: true, force: true });
      dataDir = '';
    }
  });
});

describe('invites over the wire', () => {
  it('create (create_invites, roles below your own), list (own codes; everyone’s with manage_invites), revoke; never in the log', async () => {
    const server = await h.server({ registration: 'invite' });
    const ownerPair = await signup(server.url, 'owner', { invite: server.firstRunInvite });
    const o = await h.connect(server.url, ownerPair.accessToken);
    const { role: mods } = await o.call('role.create', { name: 'mods' });

    // The owner invites an admin and a plain member.
    const { invite: forAdmin } = await o.call('invite.create', { roleId: 'admin' });
    expect(forAdmin).toMatchObject({ usesLeft: 1, expiresAt: null, roleId: 'admin', createdBy: ownerPair.user.id });
    const adminPair = await signup(server.url, 'ada', { invite: forAdmin.code });
    expect(adminPair.user.roles).toEqual(['admin']);
    const { invite: plain } = await o.call('invite.create', { uses: 2, expiresInSec: 7 * 86_400 });
    expect(plain.expiresAt).toBeGreaterThan(Date.now());
    const bobPair = await signup(server.url, 'bob', { invite: plain.code });
    const a = await h.connect(server.url, adminPair.accessToken);
    const b = await h.connect(server.url, bobPair.accessToken);

    // A member without create_invites may not; bad input is a clear error.
    expect(await refused(b, 'invite.create', {})).toEqual({ code: 'FORBIDDEN', message: 'you need the create_invites permission to create invites' });
    expect((await refused(a, 'invite.create', { uses: 0 })).code).toBe('BAD_REQUEST');
    expect((await refused(a, 'invite.revoke', {})).message).toBe('give either the invite code or its id');

    // An admin (create_invites by default) invites up to, not including, their own rank.
    expect((await refused(a, 'invite.create', { roleId: 'admin' })).message).toBe('the role admin is at or above your highest role');
    expect((await refused(a, 'invite.create', { roleId: 'owner' })).code).toBe('FORBIDDEN');
    expect((await refused(a, 'invite.create', { roleId: 'nope' })).code).toBe('NOT_FOUND');
    const { invite: forMod } = await a.call('invite.create', { roleId: mods.id, uses: 3 });
    const carol = await signup(server.url, 'carol', { invite: forMod.code });
    expect(carol.user.roles).toEqual([mods.id]);

    // Lists: a member with create_invites only sees their own invites, with codes; the owner and admins
    // (manage_invites) see every invite, others' without their code; a plain member sees none.
    await o.call('role.update', { roleId: mods.id, add: ['create_invites'] });
    const cc = await h.connect(server.url, carol.accessToken);
    expect((await refused(cc, 'invite.create', { roleId: mods.id })).code).toBe('FORBIDDEN');
    const { invite: carols } = await cc.call('invite.create', {});
    expect((await cc.call('invite.list')).invites).toEqual([carols]);
    const adminList = (await a.call('invite.list')).invites as Array<Record<string, unknown>>;
    expect(adminList.find((i) => i.id === forMod.id)).toEqual({ ...forMod, usesLeft: 2 });
    expect(adminList.find((i) => i.id === carols.id)!.code).toBeUndefined();
    const ownerList = (await o.call('invite.list')).invites as Array<Record<string, unknown>>;
    expect(ownerList).toHaveLength(5);
    expect(ownerList[0]!.id).toBe(carols.id); // newest first
    expect(ownerList.find((i) => i.id === forMod.id)!.code).toBeUndefined();
    expect(ownerList.find((i) => i.id === plain.id)!.code).toBe(plain.code);
    expect(ownerList.find((i) => i.createdBy === null)!.code).toBeUndefined(); // the first-run invite, the operator's
    expect((await b.call('invite.list')).invites).toEqual([]);

    // Revoke: others' invites are "not found" without manage_invites; the creator and a manager may.
    expect(await refused(b, 'invite.revoke', { code: forMod.code })).toEqual({ code: 'NOT_FOUND', message: 'invite not found' });
    await a.call('invite.revoke', { code: forMod.code.toLowerCase() });
    expect((await post(server.url, '/api/signup', { username: 'dave', password: 'correct horse', nickname: 'dave', invite: forMod.code })).status).toBe(403);
    await o.call('invite.revoke', { inviteId: plain.id });
    expect((await post(server.url, '/api/signup', { username: 'erin', password: 'correct horse', nickname: 'erin', invite: plain.code })).status).toBe(403);
    expect((await refused(o, 'invite.revoke', { inviteId: plain.id })).code).toBe('NOT_FOUND');

    // Invites are private: no code ever appears in the shared log.
    const { events } = await syncFromZero(b);
    const log = JSON.stringify(events);
    for (const code of [forAdmin.code, plain.code, forMod.code, carols.code, server.firstRunInvite]) expect(log).not.toContain(code);
  });

  it('od-server invite list shows every code; invite revoke kills a leaked first-run owner invite', async () => {
    const server = await h.server({ registration: 'invite' });
    const code = server.firstRunInvite!;
    const listed = await inviteList(server.dataDir);
    expect(listed.split('\n')[0]).toMatch(/^CODE\s+ID\s+USES LEFT\s+EXPIRES\s+ROLE\s+CREATED BY\s+STATUS$/);
    expect(listed).toMatch(new RegExp(`^${code}\\s+\\S+\\s+1\\s+never\\s+owner\\s+\\(operator\\)\\s+active$`, 'm'));
    expect(await inviteRevoke(server.dataDir, code)).toBe(code);
    const r = await post(server.url, '/api/signup', { username: 'mallory', password: 'correct horse', invite: code });
    expect(r.status).toBe(403);
    await expect(inviteRevoke(server.dataDir, code)).rejects.toThrow(/no invite with the code or id/);
    expect((await inviteList(server.dataDir)).split('\n')).toHaveLength(1);
  });
});

describe('IRC-style highlights', () => {
  it('@nick, "nick:", "nick," and the bare nick mention; private highlight words count without being listed; hidden rooms never', async () => {
    const { server, members, clients } = await h.community('alice', 'bob', 'carol');
    const [alice, bob, carol] = members;
    const [a, b, c] = clients as Clients;
    const { room } = await a.call('room.create', { name: 'lobby' });
    // Mentions highlight members only: bob speaks in the lobby and carol is in it.
    await b.call('room.join', { roomId: room.id });
    await c.call('room.join', { roomId: room.id });
    const send = async (text: string) => (await b.call('message.send', { roomId: room.id, text, nonce: text })).message;

    expect((await send('carol: tab-completed')).mentions).toEqual([carol!.id]);
    expect((await send('carol, hi')).mentions).toEqual([carol!.id]);
    expect((await send('hey CAROL.')).mentions).toEqual([carol!.id]);
    expect([...(await send('ping @carol and alice')).mentions].sort()).toEqual([carol!.id, alice!.id].sort());
    expect((await send('carolyn and caroline are not carol-ish')).mentions).toBeUndefined();
    expect((await send('bob talks about himself')).mentions).toBeUndefined();

    // Private highlight words: refused when malformed; stored, returned in state.me; counted, never listed.
    expect((await refused(c, 'highlight.set', { words: ['two words'] })).code).toBe('BAD_REQUEST');
    expect(await c.call('highlight.set', { words: ['Deploy', 'deploy', 'release-1'] })).toEqual({ highlights: ['Deploy', 'release-1'] });
    expect((await c.call('state')).me.highlights).toEqual(['Deploy', 'release-1']);
    const hit = await send('the DEPLOY is done');
    expect(hit.mentions).toBeUndefined();
    expect(JSON.stringify(await a.call('state'))).not.toContain('release-1');

    // A room carol cannot see never highlights her.
    const { role: mods } = await a.call('role.create', { name: 'mods' });
    await a.call('role.grant', { userId: bob!.id, roleId: mods.id });
    const { room: staff } = await a.call('room.create', { name: 'staff', restrictedTo: [mods.id] });
    await b.call('room.join', { roomId: staff.id });
    const secret = (await b.call('message.send', { roomId: staff.id, text: 'carol: deploy secret', nonce: 's' })).message;
    expect(secret.mentions).toBeUndefined();

    const state = await c.call('state');
    expect(state.unread[room.id]).toEqual({ count: 7, mentions: 5 });
    expect(state.unread[staff.id]).toBeUndefined();
    // A fresh client folding the log with the protocol's world counts exactly what the server counts.
    await expectConvergent(server.url, carol!.token, h);
  });
});

describe('former members and the snapshot', () => {
  it('state carries the removed authors of visible messages (and only of visible ones)', async () => {
    const { server, members, clients } = await h.community('alice', 'bob', 'carol', 'dave');
    const [, bob, carol, dave] = members;
    const [a, b, , d] = clients as Clients;
    const { room } = await a.call('room.create', { name: 'lobby' });
    const { role: mods } = await a.call('role.create', { name: 'mods' });
    await a.call('role.grant', { userId: dave!.id, roleId: mods.id });
    const { room: staff } = await a.call('room.create', { name: 'staff', restrictedTo: [mods.id] });
    await b.call('room.join', { roomId: room.id });
    await d.call('room.join', { roomId: staff.id });
    await b.call('message.send', { roomId: room.id, text: 'hello from bob', nonce: '1' });
    await d.call('message.send', { roomId: staff.id, text: 'dave in staff only', nonce: '2' });
    await memberKick(server.dataDir, 'bob');
    await memberBan(server.dataDir, 'dave');
    expect(await b.waitClose()).toBe(CloseCode.REMOVED);
    await d.waitClose();

    const asCarol = await expectConvergent(server.url, carol!.token, h);
    expect(asCarol.users.map((u) => u.id)).not.toContain(bob!.id);
    expect(asCarol.formerUsers).toEqual([{ id: bob!.id, nickname: 'bob', color: null, roles: [] }]);
    const asAlice = await expectConvergent(server.url, members[0]!.token, h);
    expect(asAlice.formerUsers!.map((u) => u.nickname).sort()).toEqual(['bob', 'dave']);

    // od-server user list: role names, removed accounts with their status.
    const list = (await userList(server.dataDir)).split('\n');
    expect(list[0]).toMatch(/^ID\s+USERNAME\s+NICKNAME\s+ROLES\s+STATUS\s+CREATED$/);
    expect(list.find((l) => / alice /.test(l))).toMatch(/alice\s+alice\s+owner\s+active\s/);
    expect(list.find((l) => / bob /.test(l))).toMatch(/bob\s+bob\s+-\s+kicked\s/);
    expect(list.find((l) => / dave /.test(l))).toMatch(/dave\s+dave\s+-\s+banned\s/);
    await a.call('role.grant', { userId: carol!.id, roleId: mods.id });
    expect(await userList(server.dataDir)).toMatch(/carol\s+carol\s+mods\s+active/);
  });
});

describe('rooms their creators manage', () => {
  it('a creator renames, retopics and deletes their room (manage_own_rooms on everyone); others may not; the owner can take it away', async () => {
    const { clients } = await h.community('alice', 'bob', 'carol');
    const [a, b, c] = clients as Clients;
    const { room } = await b.call('room.create', { name: 'bobs' });
    expect((await b.call('room.update', { roomId: room.id, name: 'bobs-place', topic: 'mine' })).room).toMatchObject({ name: 'bobs-place', topic: 'mine' });
    expect((await refused(c, 'room.update', { roomId: room.id, topic: 'hijack' })).code).toBe('FORBIDDEN');
    expect((await refused(c, 'room.delete', { roomId: room.id })).message).toBe('you need the manage_rooms permission to delete rooms');
    await b.call('room.delete', { roomId: room.id });

    const { room: other } = await b.call('room.create', { name: 'bobs-other' });
    await a.call('role.update', { roleId: 'everyone', remove: ['manage_own_rooms'] });
    expect((await refused(b, 'room.update', { roomId: other.id, topic: 'x' })).code).toBe('FORBIDDEN');
    expect((await refused(b, 'room.delete', { roomId: other.id })).code).toBe('FORBIDDEN');
    // The owner (manage_rooms) still may.
    await a.call('room.update', { roomId: other.id, topic: 'by the owner' });
  });
});

