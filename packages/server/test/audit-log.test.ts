import { afterEach, describe, expect, it } from 'vitest';
import { auditList } from '../src/cli/audit.js';
import { memberBan } from '../src/cli/community.js';
import { Harness, makeOwner, member, refused } from './community-support.js';

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
});
