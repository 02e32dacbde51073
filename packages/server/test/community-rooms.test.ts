import { afterEach, describe, expect, it } from 'vitest';
import { expectConvergent, Harness, liveEvent, member, refused, type Member } from './community-support.js';
import { until, type RawClient } from './helpers.js';

const h = new Harness();
afterEach(() => h.release());

async function world() {
  const { server, members, clients } = await h.community('olive', 'pete');
  const [owner, pleb] = members as [Member, Member];
  const [o, p] = clients as [RawClient, RawClient];
  return { server, owner, pleb, o, p };
}

const placement = (state: any) =>
  Object.fromEntries(state.rooms.map((r: any) => [r.name, `${state.categories.find((c: any) => c.id === r.categoryId)?.name ?? '-'}:${r.position}`]));

describe('categories and room placement', () => {
  it('create, rename, reorder and delete categories; move rooms: only the moved room changes place', async () => {
    const { server, pleb, o, p } = await world();
    const { category: talk } = await o.call('category.create', { name: 'Talk' });
    const { category: games } = await o.call('category.create', { name: 'Games' });
    expect([talk.position, games.position]).toEqual([0, 1]);
    await liveEvent(p, (e) => e.type === 'category.created' && e.data.category.id === games.id);

    const rooms: Record<string, any> = {};
    for (const name of ['general', 'random', 'chess', 'go']) rooms[name] = (await o.call('room.create', { name })).room;
    await o.call('room.move', { roomId: rooms.general.id, categoryId: talk.id });
    await o.call('room.move', { roomId: rooms.random.id, categoryId: talk.id });
    await o.call('room.move', { roomId: rooms.chess.id, categoryId: games.id });
    await o.call('room.move', { roomId: rooms.go.id, categoryId: games.id, position: 0 });
    // Room positions are sparse: a room moved to the end goes 1024 after the last, one moved to the front
    // 1024 before the first. Only the moved room changes (and gets room.updated); general stays where it is.
    const generalUpdates = () => p.events.filter((f) => f.event.type === 'room.updated' && f.event.data.room.id === rooms.general.id).length;
    const before = generalUpdates();
    const { room: moved } = await o.call('room.move', { roomId: rooms.random.id, categoryId: talk.id, position: 0 });
    expect(moved).toMatchObject({ categoryId: talk.id, position: -1024 });
    await liveEvent(p, (e) => e.type === 'room.updated' && e.data.room.id === rooms.random.id && e.data.room.position === -1024);
    expect(generalUpdates()).toBe(before);
    expect(placement(await p.call('state'))).toEqual({ general: 'Talk:0', random: 'Talk:-1024', chess: 'Games:0', go: 'Games:-1024' });

    // Rename and reorder categories.
    const { category: renamed } = await o.call('category.update', { categoryId: talk.id, name: 'Chat', position: 1 });
    expect(renamed).toMatchObject({ name: 'Chat', position: 1 });
    await liveEvent(p, (e) => e.type === 'category.updated' && e.data.category.id === games.id && e.data.category.position === 0);
    // A no-op move writes nothing.
    const head = server.head();
    await o.call('room.move', { roomId: rooms.go.id, categoryId: games.id, position: 0 });
    expect(server.head()).toBe(head);

    // Deleting a category: its rooms become uncategorised, after the ones already there, in their order.
    const { room: lone } = await o.call('room.create', { name: 'lone' });
    await o.call('category.delete', { categoryId: games.id });
    await liveEvent(p, (e) => e.type === 'category.deleted' && e.data.categoryId === games.id);
    const state = await expectConvergent(server.url, pleb.token, h);
    expect(placement(state)).toEqual({ general: 'Chat:0', random: 'Chat:-1024', go: '-:1024', chess: '-:2048', lone: '-:0' });
    expect(state.categories).toEqual([{ id: talk.id, name: 'Chat', position: 0 }]);
    expect(lone.position).toBe(0);

    expect((await refused(o, 'category.create', { name: 'chat' })).code).toBe('CONFLICT');
    expect((await refused(o, 'room.move', { roomId: rooms.go.id, categoryId: 'nope' })).message).toBe('category not found');
    expect((await refused(o, 'category.delete', { categoryId: games.id })).message).toBe('category not found');
  });
});

describe('role-gated rooms', () => {
  it('restrict and open: only role holders (and the owner) see the room, its messages and unread counts', async () => {
    const { server, owner, pleb, o, p } = await world();
    const vip = await member(server.url, 'vera');
    const v = await h.connect(server.url, vip.token);
    const { role } = await o.call('role.create', { name: 'vip' });
    await o.call('role.grant', { userId: vip.id, roleId: role.id });
    const { room } = await o.call('room.create', { name: 'lounge' });
    // Both are in the lounge: pete loses it with the restriction (and gets it back when it opens), vera keeps it.
    await p.call('room.join', { roomId: room.id });
    await v.call('room.join', { roomId: room.id });
    const { room: restricted } = await o.call('room.restrict', { roomId: room.id, roleIds: [role.id] });
    expect(restricted.restrictedTo).toEqual([role.id]);
    // Pete lost the room; vera did not (no access.changed for her).
    await liveEvent(p, (e) => e.type === 'access.changed' && e.data.userId === pleb.id);
    await o.call('message.send', { roomId: room.id, text: 'vip only', nonce: 'x1' });
    await liveEvent(v, (e) => e.type === 'message.created' && e.data.message.text === 'vip only');
    expect(v.events.some((f) => f.event.type === 'access.changed')).toBe(false);

    const peteState = await expectConvergent(server.url, pleb.token, h);
    expect(peteState.rooms.map((r) => r.id)).not.toContain(room.id);
    expect(Object.keys(peteState.unread)).not.toContain(room.id);
    const hidden = await refused(p, 'history', { roomId: room.id });
    const missing = await refused(p, 'history', { roomId: 'no-such-room' });
    expect(hidden).toEqual(missing);
    const vState = await expectConvergent(server.url, vip.token, h);
    expect(vState.unread[room.id]).toEqual({ count: 1, mentions: 0 });

    // Open again: pete is told and can read the history written while it was hidden.
    await o.call('room.open', { roomId: room.id });
    await until(() => p.events.filter((f) => f.event.type === 'access.changed').length === 2, 'second access.changed');
    expect((await p.call('history', { roomId: room.id })).messages.map((m: any) => m.text)).toEqual(['vip only']);
    const after = await expectConvergent(server.url, pleb.token, h);
    expect(after.unread[room.id]).toEqual({ count: 1, mentions: 0 });
    expect(owner.id).toBeTruthy();
  });

  it('room.delete removes the room for everyone; restricting to a missing role is a clear error', async () => {
    const { server, pleb, o, p } = await world();
    const { room } = await o.call('room.create', { name: 'doomed' });
    expect((await refused(o, 'room.restrict', { roomId: room.id, roleIds: ['ghost'] })).message).toBe('role not found: ghost');
    await o.call('room.delete', { roomId: room.id });
    await liveEvent(p, (e) => e.type === 'room.deleted' && e.data.roomId === room.id);
    expect((await refused(o, 'room.delete', { roomId: room.id })).code).toBe('NOT_FOUND');
    const state = await expectConvergent(server.url, pleb.token, h);
    expect(state.rooms).toEqual([]);
  });
});
