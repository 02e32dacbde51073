/**
 * Regression tests: what a member can learn about rooms hidden from them (names, positions).
 * Each test fails on the code before its fix.
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

describe('room positions do not reveal hidden rooms', () => {
  async function world() {
    const server = await h.server();
    const owner = await member(server.url, 'owner8');
    await makeOwner(server, owner.id);
    const pleb = await member(server.url, 'pete8');
    const o = await h.connect(server.url, owner.token);
    const p = await h.connect(server.url, pleb.token);
    const { category } = await o.call('category.create', { name: 'Talk' });
    const { role } = await o.call('role.create', { name: 'staff' });
    const rooms: Record<string, any> = {};
    for (const name of ['alpha', 'beta', 'secret']) {
      rooms[name] = (await o.call('room.create', { name, categoryId: category.id })).room;
    }
    await o.call('room.restrict', { roomId: rooms.secret.id, roleIds: [role.id] });
    const { room: lobby } = await o.call('room.create', { name: 'lobby' });
    // Pete is in the lobby, so the owner's marker messages there reach him.
    await p.call('room.join', { roomId: lobby.id });
    let marks = 0;
    /** Everything the owner's writes sent to pete has arrived once the marker message has. */
    const settle = async () => {
      const text = `mark ${++marks}`;
      await o.call('message.send', { roomId: lobby.id, text, nonce: text });
      await p.waitFrame((f) => f.type === 'event' && f.event.data?.message?.text === text, text);
    };
    return { server, o, p, category, rooms, settle };
  }

  it('moving a hidden room changes no position a member can see', async () => {
    const { o, p, category, rooms, settle } = await world();
    await settle();
    const places = async () => Object.fromEntries((await p.call('state')).rooms.map((r: any) => [r.name, r.position]));
    const seenBefore = await places();
    const eventsBefore = p.events.length;
    for (const position of [0, 1, 0, 2, 1]) await o.call('room.move', { roomId: rooms.secret.id, categoryId: category.id, position });
    await o.call('room.move', { roomId: rooms.secret.id, categoryId: null });
    await o.call('room.move', { roomId: rooms.secret.id, categoryId: category.id, position: 0 });
    await settle();
    const roomEvents = p.events.slice(eventsBefore).filter((f) => f.event.type.startsWith('room.'));
    expect(roomEvents).toEqual([]);
    expect(await places()).toEqual(seenBefore);
  });

  it("a member's new room goes after the rooms they can see, whatever is hidden after them", async () => {
    const { o, p, category, rooms } = await world();
    // The hidden room is last in the category; pete's new room must not be placed after it.
    const { room: secret } = await o.call('room.move', { roomId: rooms.secret.id, categoryId: category.id });
    const { rooms: seen } = await p.call('state');
    const lastSeen = Math.max(...seen.filter((r: any) => r.categoryId === category.id).map((r: any) => r.position));
    expect(secret.position).toBeGreaterThan(lastSeen);
    const { room } = await p.call('room.create', { name: 'gamma', categoryId: category.id });
    expect(room.position).toBe(lastSeen + 1024);
  });

  it('any sequence of moves gives the order a list insert would, respacing when a gap runs out', async () => {
    const { o, category, rooms } = await world();
    const names = ['alpha', 'beta', 'secret'];
    for (const name of ['d', 'e']) {
      rooms[name] = (await o.call('room.create', { name, categoryId: category.id })).room;
      names.push(name);
    }
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    let respaced = 0;
    // First always the last room into the second slot: that halves the same gap until it runs out (after
    // about ten moves) and the category is respaced; then random moves.
    for (let i = 0; i < 40; i++) {
      const name = names[i >= 12 ? rand(names.length) : names.length - 1]!;
      const index = i >= 12 ? rand(names.length) : 1;
      names.splice(names.indexOf(name), 1);
      names.splice(Math.min(index, names.length), 0, name);
      const head = o.events.length;
      await o.call('room.move', { roomId: rooms[name].id, categoryId: category.id, position: index });
      // Events are published before the reply is sent, on the same socket: they are all in by now.
      if (o.events.slice(head).some((f) => f.event.type === 'room.updated' && f.event.data.room.id !== rooms[name].id)) respaced++;
      const { rooms: now } = await o.call('state');
      const order = now
        .filter((r: any) => r.categoryId === category.id)
        .sort((a: any, b: any) => a.position - b.position || (a.id < b.id ? -1 : 1))
        .map((r: any) => r.name);
      expect(order, `after move ${i}`).toEqual(names);
    }
    expect(respaced).toBeGreaterThan(0);
  });
});
