import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { backup, inviteCreate, inviteRevoke, userResetPassword } from '../src/cli/admin.js';
import { auditList } from '../src/cli/audit.js';
import { memberBan, messageDelete } from '../src/cli/community.js';
import { retentionSweep } from '../src/cli/retention.js';
import { Harness, liveEvent, makeOwner, member, refused } from './community-support.js';

/*
 * The audit log over real sockets: privileged requests are recorded with actor, target and time after they
 * succeed (refused ones are not); only the owner and holders of manage_roles or manage_members read it; an
 * entry about a room the reader cannot see is left out, exactly as if it did not exist.
 */
const h = new Harness();
afterEach(() => h.release());

describe('audit log', () => {
  it('records privileged actions and shows them to admins, never entries of rooms hidden from the reader', async () => {
    const clock = { t: 1_900_000_000_000 };
    const server = await h.server({ now: () => clock.t, accessTokenTtlSec: 3650 * 86_400 });
    const olga = await member(server.url, 'olga');
    await makeOwner(server, olga.id);
    const [mod, bob, eve] = [await member(server.url, 'mod'), await member(server.url, 'bob'), await member(server.url, 'eve')];
    const [o, m, b] = [await h.connect(server.url, olga.token), await h.connect(server.url, mod.token), await h.connect(server.url, bob.token)];

    const { role: mods } = await o.call('role.create', { name: 'mods' });
    await o.call('role.update', { roleId: mods.id, add: ['manage_members'] });
    clock.t += 1000;
    await o.call('role.grant', { userId: mod.id, roleId: mods.id });
    const { role: vips } = await o.call('role.create', { name: 'vips' });
    const { room: vault } = await o.call('room.create', { name: 'vault-q7' });
    await o.call('room.restrict', { roomId: vault.id, roleIds: [vips.id] });
    await o.call('room.retention', { roomId: vault.id, seconds: 7 * 86_400 });
    // A refused action is not recorded.
    await refused(b, 'member.kick', { userId: eve.id });
    clock.t += 1000;
    await m.call('member.ban', { userId: eve.id });
    await o.call('twofa.require', { roleId: mods.id });
    // Deleted rooms: their entries stay readable by whoever could see them (the vault's still by the owner only).
    const { room: lobby } = await o.call('room.create', { name: 'lobby' });
    await o.call('room.delete', { roomId: lobby.id });
    await o.call('room.delete', { roomId: vault.id });

    const { entries } = await o.call('audit.list');
    const actions = entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['role.create', 'role.grant', 'room.restrict', 'room.retention', 'member.ban', 'twofa.require', 'room.delete']));
    expect(entries.filter((e: { action: string }) => e.action === 'room.delete').map((e: { roomId: string }) => e.roomId)).toEqual([vault.id, lobby.id]);
    expect(actions).not.toContain('member.kick');
    const ban = entries.find((e: { action: string }) => e.action === 'member.ban');
    expect(ban).toMatchObject({ actorId: mod.id, targetUserId: eve.id, at: 1_900_000_002_000, roomId: null });
    const grant = entries.find((e: { action: string }) => e.action === 'role.grant');
    expect(grant).toMatchObject({ actorId: olga.id, targetUserId: mod.id, detail: { roleId: mods.id } });
    // Newest first, increasing sequence.
    const seqs = entries.map((e: { seq: number }) => e.seq);
    expect(seqs).toEqual([...seqs].sort((x: number, y: number) => y - x));
    expect(entries.some((e: { roomId: string | null }) => e.roomId === vault.id)).toBe(true);

    // The moderator reads it too, but the vault (restricted to vips) is not theirs to see: its entries are left out.
    const seen = (await m.call('audit.list')).entries;
    expect(seen.some((e: { action: string }) => e.action === 'member.ban')).toBe(true);
    expect(seen.some((e: { action: string; roomId: string }) => e.action === 'room.delete' && e.roomId === lobby.id)).toBe(true);
    expect(JSON.stringify(seen)).not.toContain(vault.id);
    expect(seen.length).toBe(entries.filter((e: { roomId: string | null }) => e.roomId !== vault.id).length);
    // Paging: one at a time, older than the last seen, the same entries in the same order.
    const paged: unknown[] = [];
    let before: number | undefined;
    for (;;) {
      const page = (await m.call('audit.list', { limit: 1, ...(before && { before }) })).entries;
      if (page.length === 0) break;
      paged.push(...page);
      before = page[0].seq;
    }
    expect(paged).toEqual(seen);

    // A plain member may not read it.
    expect((await refused(b, 'audit.list', {})).code).toBe('FORBIDDEN');
  });

  it('records an account deletion in the same write', async () => {
    const server = await h.server();
    const olga = await member(server.url, 'olga');
    await makeOwner(server, olga.id);
    const ada = await member(server.url, 'ada');
    const [o, a] = [await h.connect(server.url, olga.token), await h.connect(server.url, ada.token)];
    await a.call('account.delete', { password: 'correct horse', messages: 'keep' });
    const { entries } = await o.call('audit.list');
    expect(entries[0]).toMatchObject({ action: 'account.delete', actorId: ada.id, targetUserId: ada.id, detail: { messages: 'keep' } });
  });

  it('od-server audit lists the entries, the operator actions included (actor: operator)', async () => {
    const server = await h.server();
    const olga = await member(server.url, 'olga');
    await makeOwner(server, olga.id);
    await member(server.url, 'eve');
    const o = await h.connect(server.url, olga.token);
    const { room } = await o.call('room.create', { name: 'lobby' });
    await o.call('room.slowmode', { roomId: room.id, seconds: 5 });
    await memberBan(server.dataDir, 'eve');
    const lines = await auditList(server.dataDir, { limit: 10 });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/ olga {2}room\.slowmode {2}in #lobby {2}seconds=5$/);
    expect(lines[1]).toMatch(/ operator {2}member\.ban {2}→ eve$/);
  });

  it('an action and its entry commit together: when the entry cannot be written, the action did not happen', async () => {
    const server = await h.server();
    const olga = await member(server.url, 'olga');
    await makeOwner(server, olga.id);
    const eve = await member(server.url, 'eve');
    const o = await h.connect(server.url, olga.token);
    const e = await h.connect(server.url, eve.token);
    // Another connection makes every audit write fail (as a full disk would, for that row alone).
    const side = new Database(path.join(server.dataDir, 'od.sqlite'));
    side.exec("CREATE TRIGGER audit_refused BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit refused'); END;");
    const r = await o.request('member.ban', { userId: eve.id });
    expect(r.ok).toBe(false);
    // Eve was not banned: her socket is open, her account active, and no user.removed was written.
    const who = await server.app.services.deps.store.users.byId(eve.id);
    expect(who?.removed).toBe(false);
    expect(await e.call('sessions.list')).toBeTruthy();
    expect(o.frames.some((f) => f.type === 'event' && f.event?.type === 'user.removed')).toBe(false);
    side.exec('DROP TRIGGER audit_refused');
    side.close();
    await o.call('member.ban', { userId: eve.id });
    expect(await e.waitClose()).toBe(4403);
    const { entries } = await o.call('audit.list');
    expect(entries.map((x: { action: string }) => x.action)).toEqual(['member.ban']);
  });

  it("records a moderator deleting someone else's message, not an author deleting their own", async () => {
    const server = await h.server();
    const olga = await member(server.url, 'olga');
    await makeOwner(server, olga.id);
    const bob = await member(server.url, 'bob');
    const [o, b] = [await h.connect(server.url, olga.token), await h.connect(server.url, bob.token)];
    const { room } = await o.call('room.create', { name: 'lobby' });
    await b.call('room.join', { roomId: room.id });
    const send = async (text: string) => (await b.call('message.send', { roomId: room.id, text, nonce: text })).message;
    const [own, modded, byOperator] = [await send('mine to delete'), await send('rude words'), await send('spam link')];
    await b.call('message.delete', { messageId: own.id });
    await o.call('message.delete', { messageId: modded.id });
    await messageDelete(server.dataDir, byOperator.id);
    await liveEvent(o, (ev) => ev.type === 'message.deleted' && ev.data.messageId === byOperator.id, 'the operator deletion');
    const { entries } = await o.call('audit.list');
    expect(entries.map((x: Record<string, unknown>) => [x.action, x.actorId, x.targetUserId, x.roomId, x.detail])).toEqual([
      ['message.delete', null, bob.id, room.id, { messageId: byOperator.id }],
      ['message.delete', olga.id, bob.id, room.id, { messageId: modded.id }],
    ]);
  });

  it("the operator's invites, reset codes, retention sweeps and backups are recorded (actor: operator)", async () => {
    // Messages written at an old time, so the operator's sweep (on the real clock) finds them expired.
    const server = await h.server({ now: () => 1_600_000_000_000 });
    const olga = await member(server.url, 'olga');
    await makeOwner(server, olga.id);
    const o = await h.connect(server.url, olga.token);
    const { room } = await o.call('room.create', { name: 'lobby' });
    await o.call('message.send', { roomId: room.id, text: 'old news', nonce: 'n1' });
    await o.call('room.retention', { roomId: room.id, seconds: 86_400 });
    const code = await inviteCreate(server.dataDir, { uses: '3' });
    await inviteRevoke(server.dataDir, code);
    await userResetPassword(server.dataDir, 'olga', { clearTwoFactor: true });
    // A dry run changes nothing, so it is not an action.
    await retentionSweep(server.dataDir, { dryRun: true, retentionSec: null });
    const swept = await retentionSweep(server.dataDir, { dryRun: false, retentionSec: null });
    expect(swept.rooms.map((x) => x.messages)).toEqual([1]);
    const file = path.join(server.dataDir, '..', `${path.basename(server.dataDir)}-backup.sqlite`);
    await backup(server.dataDir, file, () => {});
    fs.rmSync(file, { force: true });
    const { entries } = await o.call('audit.list');
    const operator = entries.filter((x: { actorId: string | null }) => x.actorId === null).map((x: Record<string, unknown>) => [x.action, x.targetUserId, x.detail]);
    expect(operator).toEqual([
      ['server.backup', null, { file: path.basename(file) }],
      ['retention.sweep', null, { retentionSec: null }],
      ['user.reset-password', olga.id, { clearTwoFactor: true }],
      ['invite.revoke', null, { inviteId: expect.any(String) }],
      ['invite.create', null, { inviteId: expect.any(String), uses: 3, expiresAt: null, roleId: null }],
    ]);
    // The invite's code (a way in) is never in the log.
    expect(JSON.stringify(entries)).not.toContain(code);
  });
});

describe('admin tools over the wire', () => {
  it('lists bans for those who may unban, and unbanning takes one off the list', async () => {
    const { server, members, clients } = await h.community('olga', 'eve', 'bob');
    const [o, , b] = clients;
    await o!.call('member.ban', { userId: members[1]!.id });
    expect((await o!.call('member.bans')).bans).toEqual([{ userId: members[1]!.id, nickname: 'eve' }]);
    expect((await refused(b!, 'member.bans', {})).code).toBe('FORBIDDEN');
    await o!.call('member.unban', { userId: members[1]!.id });
    expect((await o!.call('member.bans')).bans).toEqual([]);
    expect(server.url).toBeTruthy();
  });

  it('renames a role (role.update with a name): unique names, built-in roles keep theirs, audited', async () => {
    const { members, clients } = await h.community('olga', 'bob');
    const [o, b] = clients;
    const { role } = await o!.call('role.create', { name: 'helpers' });
    await o!.call('role.create', { name: 'mods' });
    const seen = liveEvent(b!, (ev) => ev.type === 'role.updated' && ev.data.role.name === 'stewards', 'the rename');
    expect((await o!.call('role.update', { roleId: role.id, name: 'stewards' })).role).toMatchObject({ id: role.id, name: 'stewards' });
    await seen;
    expect((await refused(o!, 'role.update', { roleId: role.id, name: 'MODS' })).code).toBe('CONFLICT');
    expect((await refused(o!, 'role.update', { roleId: 'admin', name: 'bosses' })).code).toBe('FORBIDDEN');
    expect((await refused(o!, 'role.update', { roleId: role.id, name: 'two words' })).code).toBe('BAD_REQUEST');
    expect((await refused(b!, 'role.update', { roleId: role.id, name: 'mine' })).code).toBe('FORBIDDEN');
    const { entries } = await o!.call('audit.list');
    expect(entries[0]).toMatchObject({ action: 'role.update', actorId: members[0]!.id, detail: { roleId: role.id, name: 'stewards' } });
  });
});
