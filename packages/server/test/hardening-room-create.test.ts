import { afterEach, describe, expect, it } from 'vitest';
import { Harness, liveEvent, refused } from './community-support.js';

/*
 * Finding 1: a private room was public while it was being created (room.create, then room.restrict), and
 * unknown fields in a request (such as `restrictedTo` before it existed) were silently ignored.
 */
const h = new Harness();
afterEach(() => h.release());

describe('room.create born restricted', () => {
  it('members without access never receive room.created, holders do, and the room is restricted from the start', async () => {
    const { server, members, clients } = await h.community('owner', 'alice', 'bob');
    const [owner, alice, bob] = clients as [any, any, any];
    const mods = (await owner.call('role.create', { name: 'mods' })).role;
    await owner.call('role.grant', { userId: members[2]!.id, roleId: mods.id });
    const { room } = await owner.call('room.create', { name: 'staff', topic: 'secret plans', restrictedTo: [mods.id, mods.id] });
    expect(room.restrictedTo).toEqual([mods.id]);

    const created = await liveEvent(bob, (e) => e.type === 'room.created' && e.data.room.id === room.id, 'room.created for bob');
    expect(created.data.room.restrictedTo).toEqual([mods.id]);
    // Every event published before this reply has reached alice: none of them mentions the room.
    const state = await alice.call('state');
    expect(state.rooms.map((r: any) => r.id)).not.toContain(room.id);
    const seen = JSON.stringify(alice.frames);
    expect(seen).not.toContain(room.id);
    expect(seen).not.toContain('secret plans');
    // Nor does anything in the log that alice can read.
    const page = await alice.call('sync', { after: 0 });
    expect(JSON.stringify(page)).not.toContain(room.id);
    // Exactly one event wrote the room: no window where it was public.
    const store = server.app.storage;
    const roomEvents = store.events.range(0, server.head()).filter((e) => e.roomId === room.id);
    expect(roomEvents.map((e) => e.type)).toEqual(['room.created']);
  });

  it('restricting at creation needs manage_rooms and existing roles; a refused create writes nothing', async () => {
    const { server, clients } = await h.community('owner', 'alice');
    const [owner, alice] = clients as [any, any];
    const mods = (await owner.call('role.create', { name: 'mods' })).role;
    const head = server.head();
    expect((await refused(alice, 'room.create', { name: 'x1', restrictedTo: [mods.id] })).code).toBe('FORBIDDEN');
    expect((await refused(owner, 'room.create', { name: 'x2', restrictedTo: ['no-such-role'] })).code).toBe('NOT_FOUND');
    expect((await refused(owner, 'room.create', { name: 'x3', restrictedTo: [] })).code).toBe('BAD_REQUEST');
    expect(server.head()).toBe(head);
  });
});

describe('unknown fields are refused', () => {
  it('answers BAD_REQUEST naming the field, for any request type, and applies nothing', async () => {
    const { server, clients } = await h.community('owner', 'alice');
    const [owner] = clients as [any];
    const { room } = await owner.call('room.create', { name: 'lobby' });
    const head = server.head();
    const cases: Array<[string, Record<string, unknown>]> = [
      ['room.create', { name: 'open', restrictedToo: ['x'] }],
      ['message.send', { roomId: room.id, text: 'hi', nonce: 'n1', silent: true }],
      ['room.update', { roomId: room.id, topic: 't', private: true }],
      ['nick.set', { nickname: 'owner2', force: true }],
      ['state', { all: true }],
      ['sync', { after: 0, filter: 'x' }],
    ];
    for (const [type, params] of cases) {
      const err = await refused(owner, type, params);
      expect(err.code, type).toBe('BAD_REQUEST');
      expect(err.message, type).toMatch(/unknown field/);
    }
    expect(server.head()).toBe(head);
    // The connection stays usable.
    expect((await owner.call('message.send', { roomId: room.id, text: 'still here', nonce: 'n2' })).message.text).toBe('still here');
  });
});
