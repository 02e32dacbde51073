/**
 * Regression tests for defects a security review found: each fails on the code before its fix.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, makeOwner, member, refused } from './community-support.js';

const h = new Harness();
afterEach(() => h.release());

const shape = (v: unknown): unknown =>
  v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)]).sort(([a], [b]) => (String(a) < String(b) ? -1 : 1)))
    : Array.isArray(v)
      ? 'array'
      : typeof v;

describe('room names of hidden rooms do not leak', () => {
  it('creating a room named like a hidden one answers exactly like a free name', async () => {
    const server = await h.server();
    const owner = await member(server.url, 'owner1');
    await makeOwner(server, owner.id);
    const bob = await member(server.url, 'bob1');
    const o = await h.connect(server.url, owner.token);
    const { role } = await o.call('role.create', { name: 'staff' });
    const { room: secret } = await o.call('room.create', { name: 'layoffs-2025' });
    await o.call('room.restrict', { roomId: secret.id, roleIds: [role.id] });
    const { room: minutes } = await o.call('room.create', { name: 'board-minutes' });
    await o.call('room.restrict', { roomId: minutes.id, roleIds: [role.id] });

    // Bob manages rooms (so he may rename them) but does not hold the role that sees the secret ones.
    const { role: mods } = await o.call('role.create', { name: 'mods' });
    await o.call('role.update', { roleId: mods.id, add: ['manage_rooms'] });
    await o.call('role.grant', { userId: bob.id, roleId: mods.id });
    const b = await h.connect(server.url, bob.token);
    expect((await b.call('state')).rooms.map((r: any) => r.name)).not.toContain('layoffs-2025');
    const hidden = await b.request('room.create', { name: 'Layoffs-2025' });
    const free = await b.request('room.create', { name: 'nothing-here' });
    expect(hidden.ok).toBe(true);
    expect(shape(hidden)).toEqual(shape(free));
    // Renaming onto a hidden room's name works the same way.
    const renamed = await b.request('room.update', { roomId: free.result.room.id, name: 'board-minutes' });
    expect(renamed.ok).toBe(true);
  });

  it('two rooms visible to the same user still cannot share a name', async () => {
    const server = await h.server();
    const bob = await member(server.url, 'bob2');
    const b = await h.connect(server.url, bob.token);
    await b.call('room.create', { name: 'general' });
    const { room: other } = await b.call('room.create', { name: 'other' });
    expect((await refused(b, 'room.create', { name: 'GENERAL' })).code).toBe('CONFLICT');
    const owner = await member(server.url, 'owner2');
    await makeOwner(server, owner.id);
    const o = await h.connect(server.url, owner.token);
    expect((await refused(o, 'room.update', { roomId: other.id, name: 'General' })).code).toBe('CONFLICT');
    // Renaming a room to its own name in another case is not a clash with itself.
    expect((await o.call('room.update', { roomId: other.id, name: 'OTHER' })).room.name).toBe('OTHER');
  });
});
