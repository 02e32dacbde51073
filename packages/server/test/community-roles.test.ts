import { afterEach, describe, expect, it } from 'vitest';
import { expectConvergent, Harness, liveEvent, refused, type Member } from './community-support.js';
import { until, type RawClient } from './helpers.js';

const h = new Harness();
afterEach(() => h.release());

async function world() {
  const { server, members, clients } = await h.community('olive', 'mona', 'pete');
  const [owner, mod, pleb] = members as [Member, Member, Member];
  const [o, m, p] = clients as [RawClient, RawClient, RawClient];
  return { server, owner, mod, pleb, o, m, p };
}

describe('roles', () => {
  it('create, change permissions and colour, grant, revoke and delete — live for others and after a fresh sync', async () => {
    const { server, mod, pleb, o, p } = await world();
    const { role } = await o.call('role.create', { name: 'mods', color: '#61afef' });
    expect(role).toMatchObject({ name: 'mods', color: '#61afef', permissions: [], builtin: false });
    expect(role.position).toBeGreaterThan(0);
    expect(role.position).toBeLessThan(999_999);
    await liveEvent(p, (e) => e.type === 'role.created' && e.data.role.id === role.id);

    const { role: updated } = await o.call('role.update', { roleId: role.id, add: ['moderate_messages', 'manage_rooms'], color: null });
    expect(updated.permissions).toEqual(['manage_rooms', 'moderate_messages']);
    expect(updated.color).toBeNull();
    await liveEvent(p, (e) => e.type === 'role.updated' && e.data.role.permissions.length === 2);

    await o.call('role.grant', { userId: mod.id, roleId: role.id });
    await liveEvent(p, (e) => e.type === 'user.updated' && e.data.user.id === mod.id && e.data.user.roles.includes(role.id));
    // Granting again changes nothing and writes nothing.
    const head = server.head();
    await o.call('role.grant', { userId: mod.id, roleId: role.id });
    expect(server.head()).toBe(head);

    await o.call('role.grant', { userId: pleb.id, roleId: role.id });
    await o.call('role.revoke', { userId: pleb.id, roleId: role.id });
    await liveEvent(p, (e) => e.type === 'user.updated' && e.data.user.id === pleb.id && e.data.user.roles.length === 0);

    const { role: temp } = await o.call('role.create', { name: 'temp' });
    await o.call('role.grant', { userId: pleb.id, roleId: temp.id });
    await o.call('role.delete', { roleId: temp.id });
    await liveEvent(p, (e) => e.type === 'role.deleted' && e.data.roleId === temp.id);

    const state = await expectConvergent(server.url, pleb.token, h);
    expect(state.roles.map((r) => r.name)).toEqual(['owner', 'admin', 'mods', 'everyone']);
    expect(state.users.find((u) => u.id === mod.id)!.roles).toEqual([role.id]);
    expect(state.users.find((u) => u.id === pleb.id)!.roles).toEqual([]);
  });

  it('nobody grants a permission they do not hold or acts on a role at or above their own', async () => {
    const { server, owner, mod, pleb, o, m } = await world();
    const { role: mods } = await o.call('role.create', { name: 'mods' });
    await o.call('role.update', { roleId: mods.id, add: ['manage_roles', 'manage_rooms'] });
    await o.call('role.grant', { userId: mod.id, roleId: mods.id });
    const { role: helpers } = await m.call('role.create', { name: 'helpers' });
    expect(helpers.position).toBeLessThan(mods.position);
    const head = server.head();

    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      // permissions the moderator does not hold
      ['role.update', { roleId: helpers.id, add: ['manage_members'] }, /manage_members/],
      ['role.update', { roleId: helpers.id, remove: ['moderate_messages'] }, /moderate_messages/],
      // roles at or above their own
      ['role.update', { roleId: mods.id, add: ['manage_rooms'] }, /at or above/],
      ['role.delete', { roleId: mods.id }, /at or above/],
      ['role.grant', { userId: pleb.id, roleId: mods.id }, /at or above/],
      ['role.grant', { userId: pleb.id, roleId: 'admin' }, /at or above/],
      ['role.revoke', { userId: owner.id, roleId: 'admin' }, /at or above/],
      ['role.update', { roleId: 'admin', remove: ['manage_rooms'] }, /at or above/],
      // the owner role never moves over the wire
      ['role.grant', { userId: mod.id, roleId: 'owner' }, /owner role/],
    ];
    for (const [type, params, message] of cases) {
      const err = await refused(m, type, params);
      expect(err.code, `${type} ${JSON.stringify(params)}`).toBe('FORBIDDEN');
      expect(err.message).toMatch(message);
    }
    // Even the owner cannot hand over or change the owner role, nor delete built-in roles.
    expect((await refused(o, 'role.grant', { userId: mod.id, roleId: 'owner' })).code).toBe('FORBIDDEN');
    expect((await refused(o, 'role.update', { roleId: 'owner', remove: ['manage_roles'] })).code).toBe('FORBIDDEN');
    for (const builtin of ['owner', 'admin', 'everyone']) {
      expect((await refused(o, 'role.delete', { roleId: builtin })).message).toMatch(/built-in/);
    }
    expect((await refused(o, 'role.grant', { userId: mod.id, roleId: 'everyone' })).code).toBe('BAD_REQUEST');
    // Clear not-found errors for missing users and roles, and name conflicts.
    expect((await refused(o, 'role.grant', { userId: 'nobody', roleId: mods.id })).message).toBe('user not found');
    expect((await refused(o, 'role.grant', { userId: mod.id, roleId: 'nope' })).message).toBe('role not found');
    expect((await refused(o, 'role.create', { name: 'MODS' })).code).toBe('CONFLICT');
    expect((await refused(o, 'role.create', { name: 'Admin' })).code).toBe('CONFLICT');
    expect(server.head()).toBe(head);

    // What the moderator may do: manage helpers, which is below mods, with permissions mods hold.
    await m.call('role.update', { roleId: helpers.id, add: ['manage_rooms'] });
    await m.call('role.grant', { userId: pleb.id, roleId: helpers.id });
    await m.call('role.delete', { roleId: helpers.id });
  });

  it('role move: reorders the ranking live and after a fresh sync; only below your own highest role', async () => {
    const { server, mod, pleb, o, m, p } = await world();
    const { role: mods } = await o.call('role.create', { name: 'mods' });
    await o.call('role.update', { roleId: mods.id, add: ['manage_roles', 'manage_members'] });
    await o.call('role.grant', { userId: mod.id, roleId: mods.id });
    const { role: helpers } = await m.call('role.create', { name: 'helpers' });
    const { role: vips } = await o.call('role.create', { name: 'vips' });
    expect(vips.position).toBeGreaterThan(mods.position);
    await o.call('role.grant', { userId: pleb.id, roleId: vips.id });
    // While vips outranks mods, the moderator cannot kick pete.
    expect((await refused(m, 'member.kick', { userId: pleb.id })).message).toMatch(/outranks you/);

    const head = server.head();
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ roleId: vips.id, position: 1 }, 'FORBIDDEN', /at or above/], // a role above their own
      [{ roleId: mods.id, position: 1 }, 'FORBIDDEN', /at or above/], // their own role
      [{ roleId: helpers.id, position: mods.position }, 'FORBIDDEN', /at or above/], // up to their own level
      [{ roleId: helpers.id, position: mods.position + 1 }, 'FORBIDDEN', /at or above/],
      [{ roleId: 'everyone', position: 1 }, 'FORBIDDEN', /everyone role cannot be moved|at or above/],
      [{ roleId: 'admin', position: 2 }, 'FORBIDDEN', /admin|at or above/],
    ];
    for (const [params, code, message] of cases) {
      const err = await refused(m, 'role.update', params);
      expect(err.code, JSON.stringify(params)).toBe(code);
      expect(err.message).toMatch(message);
    }
    // Without manage_roles nobody moves anything.
    expect((await refused(p, 'role.update', { roleId: helpers.id, position: 1 })).message).toMatch(/manage_roles/);
    // Built-in limits hold for the owner too; positions are whole numbers from 1.
    expect((await refused(o, 'role.update', { roleId: 'everyone', position: 5 })).message).toMatch(/everyone role cannot be moved/);
    expect((await refused(o, 'role.update', { roleId: 'owner', position: 5 })).code).toBe('FORBIDDEN');
    expect((await refused(o, 'role.update', { roleId: vips.id, position: 10_000_000 })).code).toBe('BAD_REQUEST');
    expect((await refused(o, 'role.update', { roleId: vips.id, position: 0 })).code).toBe('BAD_REQUEST');
    expect((await refused(o, 'role.update', { roleId: vips.id, position: 1.5 })).code).toBe('BAD_REQUEST');
    expect(server.head()).toBe(head);

    // The moderator moves helpers within their range; the owner moves vips below mods.
    const { role: movedHelpers } = await m.call('role.update', { roleId: helpers.id, position: 3 });
    expect(movedHelpers.position).toBe(3);
    await liveEvent(p, (e) => e.type === 'role.updated' && e.data.role.id === helpers.id && e.data.role.position === 3);
    const { role: movedVips } = await o.call('role.update', { roleId: vips.id, position: mods.position - 1 });
    expect(movedVips.position).toBe(mods.position - 1);
    await liveEvent(p, (e) => e.type === 'role.updated' && e.data.role.id === vips.id && e.data.role.position === mods.position - 1);
    // Moving to where it already is writes nothing.
    const still = server.head();
    await o.call('role.update', { roleId: vips.id, position: mods.position - 1 });
    expect(server.head()).toBe(still);
    // The ranking takes effect at once: now mods outranks vips, and the moderator may move vips.
    await m.call('role.update', { roleId: vips.id, position: 2 });
    await m.call('member.kick', { userId: pleb.id });
    // The owner may move admin (below the owner role).
    const { role: admin } = await o.call('role.update', { roleId: 'admin', position: 999_000 });
    expect(admin.position).toBe(999_000);

    const state = await expectConvergent(server.url, mod.token, h);
    expect(state.roles.map((r) => [r.name, r.position])).toEqual([
      ['owner', expect.any(Number)],
      ['admin', 999_000],
      ['mods', mods.position],
      ['helpers', 3],
      ['vips', 2],
      ['everyone', 0],
    ]);
  });

  it('granting and revoking a role that gates a room sends access.changed to that user only', async () => {
    const { server, mod, pleb, o, m, p } = await world();
    const { role } = await o.call('role.create', { name: 'vip' });
    const { room } = await o.call('room.create', { name: 'vip-lounge' });
    await o.call('room.restrict', { roomId: room.id, roleIds: [role.id] });
    await o.call('message.send', { roomId: room.id, text: 'for vips', nonce: 'v1' });
    const accessChanges = () => m.events.filter((f) => f.event.type === 'access.changed').length;
    // Restricting the (public) room already hid it from mod: one access.changed.
    await until(() => accessChanges() === 1, 'access.changed on restrict');
    await o.call('role.grant', { userId: mod.id, roleId: role.id });
    await until(() => accessChanges() === 2, 'access.changed on grant');
    expect(m.events.filter((f) => f.event.type === 'access.changed').every((f) => f.event.data.userId === mod.id)).toBe(true);
    expect((await m.call('history', { roomId: room.id })).messages.map((x: any) => x.text)).toEqual(['for vips']);
    expect(p.events.some((f) => f.event.type === 'access.changed' && f.event.data.userId === mod.id)).toBe(false);

    // Deleting the role: holders lose the room; the room is left for the owner only.
    await o.call('role.delete', { roleId: role.id });
    await until(() => accessChanges() === 3, 'access.changed on role delete');
    expect((await refused(m, 'history', { roomId: room.id })).code).toBe('NOT_FOUND');
    const state = await expectConvergent(server.url, mod.token, h);
    expect(state.rooms.some((r) => r.id === room.id)).toBe(false);
    await expectConvergent(server.url, pleb.token, h);
    const ownerState = (await o.call('state')) as any;
    expect(ownerState.rooms.find((r: any) => r.id === room.id).restrictedTo).toEqual([]);
  });
});
