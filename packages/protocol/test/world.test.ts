import { describe, expect, it } from 'vitest';
import { addHistory, applyEvent, worldFromState, type ClientEvent, type World } from '@open-discord/protocol';
import { event, message, msgEvent, room, state, user } from './helpers/fixtures.js';

const base = (): World => worldFromState(state());
const apply = (w: World, ...events: ClientEvent[]) => events.reduce(applyEvent, w);

describe('worldFromState', () => {
  it('indexes the snapshot by id', () => {
    const w = base();
    expect(Object.keys(w.rooms)).toEqual(['r1', 'r2']);
    expect(w.users.u2?.nickname).toBe('nick-u2');
    expect(w.roles.everyone?.builtin).toBe(true);
    expect(w.head).toBe(10);
    expect(w.me.username).toBe('alice');
  });

  it('keeps loaded messages of rooms that are still visible', () => {
    const w = apply(base(), msgEvent(11, 'r1'), msgEvent(12, 'r2'));
    const next = worldFromState(state({ head: 20, rooms: [room('r1')] }), w);
    expect(next.messages.r1?.map((m) => m.id)).toEqual(['m11']);
    expect(next.messages.r2).toBeUndefined();
  });

  it('always knows me as a user', () => {
    expect(worldFromState(state({ users: [] })).users.u1?.nickname).toBe('nick-u1');
  });
});

describe('applyEvent', () => {
  it('user.joined / user.updated / user.removed', () => {
    let w = apply(base(), event('user.joined', 11, { user: user('u3') }));
    expect(w.users.u3).toBeDefined();
    w = apply(w, event('user.updated', 12, { user: user('u1', { nickname: 'ally', color: '#112233' }) }));
    expect(w.users.u1?.nickname).toBe('ally');
    expect(w.me).toMatchObject({ nickname: 'ally', color: '#112233', username: 'alice' });
    w = apply(w, event('user.removed', 13, { userId: 'u3', reason: 'kicked' }));
    expect(w.users.u3).toBeUndefined();
    expect(w.head).toBe(13);
  });

  it('room.created / room.updated / room.deleted', () => {
    let w = apply(base(), event('room.created', 11, { room: room('r3') }, 'r3'), msgEvent(12, 'r3'));
    expect(w.rooms.r3?.name).toBe('room-r3');
    w = apply(w, event('room.updated', 13, { room: room('r3', { topic: 'new' }) }, 'r3'));
    expect(w.rooms.r3?.topic).toBe('new');
    w = apply(w, event('room.deleted', 14, { roomId: 'r3' }, 'r3'));
    expect(w.rooms.r3).toBeUndefined();
    expect(w.messages.r3).toBeUndefined();
    expect(w.unread.r3).toBeUndefined();
  });

  it('message.created keeps order, dedupes by id, counts unread and mentions', () => {
    const w = apply(base(), msgEvent(13), msgEvent(11), msgEvent(12, 'r1', { mentions: ['u1'] }), msgEvent(13), msgEvent(14, 'r1', { authorId: 'u1' }));
    expect(w.messages.r1?.map((m) => m.order)).toEqual([11, 12, 13, 14]);
    // My own message is not unread; the duplicate of 13 counted once.
    expect(w.unread.r1).toEqual({ count: 3, mentions: 1 });
  });

  it('bounds messages per room, keeping the newest', () => {
    let w = worldFromState(state(), undefined, 3);
    for (let o = 11; o <= 16; o++) w = applyEvent(w, msgEvent(o));
    expect(w.messages.r1?.map((m) => m.order)).toEqual([14, 15, 16]);
  });

  it('message.edited replaces a loaded message and ignores unknown ones', () => {
    let w = apply(base(), msgEvent(11));
    w = apply(w, event('message.edited', 12, { message: message('m11', 'r1', 11, { text: 'fixed', editedAt: 5 }) }, 'r1'));
    expect(w.messages.r1?.[0]).toMatchObject({ text: 'fixed', editedAt: 5 });
    const same = apply(w, event('message.edited', 13, { message: message('zz', 'r1', 3) }, 'r1'));
    expect(same.messages).toBe(w.messages);
    expect(same.head).toBe(13);
  });

  it('message.deleted removes it and its unread count', () => {
    let w = apply(base(), msgEvent(11), msgEvent(12, 'r1', { mentions: ['u1'] }));
    w = apply(w, event('message.deleted', 13, { messageId: 'm12', roomId: 'r1' }, 'r1'));
    expect(w.messages.r1?.map((m) => m.id)).toEqual(['m11']);
    expect(w.unread.r1).toEqual({ count: 1, mentions: 0 });
  });

  it('read.marked moves the marker forward only and recounts unread', () => {
    let w = apply(base(), msgEvent(11), msgEvent(12, 'r1', { mentions: ['u1'] }), msgEvent(13));
    w = apply(w, event('read.marked', 14, { roomId: 'r1', order: 12 }, 'r1'));
    expect(w.readMarkers.r1).toBe(12);
    expect(w.unread.r1).toEqual({ count: 1, mentions: 0 });
    w = apply(w, event('read.marked', 15, { roomId: 'r1', order: 11 }, 'r1'));
    expect(w.readMarkers.r1).toBe(12);
  });

  it('read.marked with no loaded messages clears unread once nothing is newer', () => {
    const w0 = worldFromState(state({ unread: { r2: { count: 4, mentions: 1 } } }));
    expect(apply(w0, event('read.marked', 11, { roomId: 'r2', order: 10 }, 'r2')).unread.r2).toEqual({ count: 0, mentions: 0 });
    expect(apply(w0, event('read.marked', 11, { roomId: 'r2', order: 3 }, 'r2')).unread.r2).toEqual({ count: 4, mentions: 1 });
  });

  it('category.created / updated / deleted (rooms become uncategorised)', () => {
    let w = apply(base(), event('category.created', 11, { category: { id: 'c1', name: 'Talk', position: 0 } }));
    w = apply(w, event('room.updated', 12, { room: room('r1', { categoryId: 'c1' }) }, 'r1'));
    w = apply(w, event('category.updated', 13, { category: { id: 'c1', name: 'Chat', position: 1 } }));
    expect(w.categories.c1).toEqual({ id: 'c1', name: 'Chat', position: 1 });
    w = apply(w, event('category.deleted', 14, { categoryId: 'c1' }));
    expect(w.categories.c1).toBeUndefined();
    expect(w.rooms.r1?.categoryId).toBeNull();
  });

  it('role.created / updated / deleted (holders lose it)', () => {
    const mod = { id: 'mod', name: 'mod', color: null, position: 1, permissions: [], builtin: false };
    let w = apply(base(), event('role.created', 11, { role: mod }));
    w = apply(w, event('role.updated', 12, { role: { ...mod, permissions: ['moderate_messages' as const] } }));
    expect(w.roles.mod?.permissions).toEqual(['moderate_messages']);
    w = apply(w, event('user.updated', 13, { user: user('u2', { roles: ['mod'] }) }), event('user.updated', 14, { user: user('u1', { roles: ['mod'] }) }));
    w = apply(w, event('role.deleted', 15, { roleId: 'mod' }));
    expect(w.roles.mod).toBeUndefined();
    expect(w.users.u2?.roles).toEqual([]);
    expect(w.me.roles).toEqual([]);
  });

  it('access.changed and unknown events only advance head', () => {
    const w = base();
    const a = apply(w, event('access.changed', 11, { userId: 'u1' }));
    expect({ ...a, head: w.head }).toEqual(w);
    expect(a.head).toBe(11);
    const u = apply(w, { type: 'unknown', originalType: 'poll.created', order: 12, id: 'e12', roomId: null, actorId: null, createdAt: 0, data: {} });
    expect(u.head).toBe(12);
  });

  it('never mutates its input', () => {
    const w = apply(base(), msgEvent(11));
    const frozen = JSON.stringify(w);
    apply(w, msgEvent(12), event('room.deleted', 13, { roomId: 'r1' }), event('read.marked', 14, { roomId: 'r1', order: 12 }));
    expect(JSON.stringify(w)).toBe(frozen);
  });
});

describe('addHistory', () => {
  it('merges older pages without duplicates and without pushing out the newest', () => {
    let w = worldFromState(state(), undefined, 4);
    w = apply(w, msgEvent(20), msgEvent(21));
    w = addHistory(w, 'r1', [message('m5', 'r1', 5), message('m6', 'r1', 6), message('m20', 'r1', 20)]);
    expect(w.messages.r1?.map((m) => m.order)).toEqual([5, 6, 20, 21]);
    w = addHistory(w, 'r1', [message('m4', 'r1', 4)]);
    expect(w.messages.r1?.map((m) => m.order)).toEqual([5, 6, 20, 21]);
  });
});
