import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProtocolError } from '@open-discord/protocol';
import { createServices } from '../src/app.js';
import type { StoredEvent } from '../src/ports/storage.js';
import { SqliteStorage as Store } from '../src/adapters/sqlite/storage.js';
import { UNREAD_COUNT_CAP } from '../src/features/messages/repository.js';
import { quiet, tempDir } from './helpers.js';

/** Services over a real SQLite file, no sockets: clock and ids injected. */
let dir: string;
let store: Store;
let s: Awaited<ReturnType<typeof createServices>>;
let published: StoredEvent[][];
let clock: number;
let ids: number;

beforeEach(async () => {
  dir = tempDir();
  store = Store.open(dir);
  clock = 1_700_000_000_000;
  ids = 0;
  s = await createServices({
    storage: store,
    now: () => clock,
    newId: () => `id${++ids}`,
    log: quiet,
    snapshotThreshold: 10_000,
    auth: {
      secret: Buffer.alloc(32, 7),
      registration: 'open',
      bcryptCost: 4,
      accessTokenTtlSec: 900,
      refreshTokenTtlSec: 3600,
      authRate: null,
    },
  });
  published = [];
  s.bus.subscribe((evs) => published.push([...evs]));
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function user(name: string): Promise<string> {
  // The nickname is the name, so mentions (`@bob`) find the user.
  return (await s.auth.signup({ username: name, password: 'correct horse', nickname: name }, '127.0.0.1')).user.id;
}

const send = (userId: string, roomId: string, text: string, nonce = `${text}-${Math.random()}`) =>
  s.messages.send(userId, { roomId, text, nonce });

describe('group commit', () => {
  it('writes submitted in one tick commit in one transaction; a failing one does not abort the others', async () => {
    const alice = await user('alice');
    const { room } = await s.rooms.create(alice, { name: 'lobby' });
    published = [];
    const results = await Promise.allSettled([
      ...Array.from({ length: 50 }, (_, i) => send(alice, room.id, `m${i}`)),
      send(alice, 'no-such-room', 'lost'),
      ...Array.from({ length: 50 }, (_, i) => send(alice, room.id, `n${i}`)),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(100);
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((failed.reason as ProtocolError).code).toBe('NOT_FOUND');
    // One publish = one batch = one transaction.
    expect(published).toHaveLength(1);
    expect(published[0]).toHaveLength(100);
    const orders = store.db.prepare('SELECT event_order AS o FROM events ORDER BY event_order').all() as Array<{ o: number }>;
    expect(orders.map((r) => r.o)).toEqual(Array.from({ length: orders.length }, (_, i) => i + 1));
    expect(s.deps.queue.head).toBe(orders.length);
  });

  it('a failed commit answers UNAVAILABLE, publishes nothing, and the queue works again afterwards', async () => {
    const alice = await user('alice');
    const { room } = await s.rooms.create(alice, { name: 'lobby' });
    const head = s.deps.queue.head;
    published = [];
    // A deferred foreign-key violation fails at COMMIT time, like a full disk would.
    store.db.pragma('defer_foreign_keys = ON');
    const bad = s.deps.queue.submit(() => {
      store.db.prepare("INSERT INTO user_roles (user_id, role_id) VALUES ('ghost', 'everyone')").run();
    });
    const innocent = send(alice, room.id, 'caught in the batch');
    await expect(bad).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await expect(innocent).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(published).toHaveLength(0);
    expect(s.deps.queue.head).toBe(head);
    expect(store.events.head()).toBe(head);
    const ok = await send(alice, room.id, 'works again');
    expect(ok.message.order).toBe(head + 1);
  });
});

describe('visibility', () => {
  it('is one rule: private to target, server-wide to all, rooms by restriction, roles and membership', async () => {
    const alice = await user('alice');
    const bob = await user('bob');
    const owner = await user('olga');
    await store.transaction(() => store.roles.grant(owner, 'owner'));
    s.deps.access.invalidate();
    const { room: pub } = await s.rooms.create(alice, { name: 'pub' });
    const { room: staff } = await s.rooms.create(alice, { name: 'staff' });
    await s.accessAdmin.restrictRoom(null, staff.id, ['admin']);
    await s.accessAdmin.grantRole(null, alice, 'admin');
    // A dm room straight through the store (dm requests come later): members only, even for the owner.
    await store.transaction(() => {
      store.rooms.insert({ id: 'dm1', name: 'dm', topic: '', kind: 'dm', categoryId: null, position: 0, restrictedTo: null, createdBy: alice, createdAt: clock, autoJoin: false });
      store.rooms.addMember('dm1', alice);
      store.rooms.addMember('dm1', bob);
    });
    s.deps.access.invalidate();
    await s.deps.access.view();
    // The rules as loaded now: every write below reloads them before its events are published. Judged on
    // a room's metadata (which every viewer receives); its messages also need membership (membership tests).
    const see = (u: string, roomId: string | null, target: string | null = null) => s.deps.access.current!.canSeeEvent(u, { type: 'room.updated', roomId, targetUserId: target });
    expect([see(alice, pub.id), see(bob, pub.id), see(owner, pub.id)]).toEqual([true, true, true]);
    expect([see(alice, staff.id), see(bob, staff.id), see(owner, staff.id)]).toEqual([true, false, true]);
    expect([see(alice, 'dm1'), see(bob, 'dm1'), see(owner, 'dm1')]).toEqual([true, true, false]);
    expect([see(alice, null), see(bob, null)]).toEqual([true, true]);
    expect([see(alice, pub.id, bob), see(bob, pub.id, bob)]).toEqual([false, true]);
    expect(see(alice, 'unknown-room')).toBe(false);
    // Losing the role hides the room again and tells the user.
    published = [];
    await s.accessAdmin.revokeRole(null, alice, 'admin');
    expect(see(alice, staff.id)).toBe(false);
    const types = published.flat().map((e) => [e.type, e.targetUserId]);
    expect(types).toContainEqual(['access.changed', alice]);
    await expect(send(alice, staff.id, 'x')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('sync paging', () => {
  it('filters hidden events, accounts for them with through, and pages until head', async () => {
    const alice = await user('alice');
    const bob = await user('bob');
    const { room: pub } = await s.rooms.create(alice, { name: 'pub' });
    const { room: staff } = await s.rooms.create(alice, { name: 'staff' });
    // Bob is in both rooms; staff is then hidden from him, and being in it shows him nothing of it.
    await s.membership.join(bob, pub.id);
    await s.membership.join(bob, staff.id);
    await s.accessAdmin.restrictRoom(null, staff.id, ['admin']);
    await s.accessAdmin.grantRole(null, alice, 'admin');
    const start = s.deps.queue.head;
    for (let i = 0; i < 10; i++) {
      await send(alice, i % 2 ? staff.id : pub.id, `m${i}`);
    }
    const head = s.deps.queue.head;
    const bobPages = [];
    let after = start;
    for (let guard = 0; guard < 10; guard++) {
      const p = await s.sync.page(bob, after, 3);
      bobPages.push(p);
      after = p.through;
      if (!p.more) break;
    }
    expect(bobPages.map((p) => p.through)).toEqual([start + 3, start + 6, start + 9, head]);
    const bobTexts = bobPages.flatMap((p) => p.events.map((e) => JSON.parse(e.dataJson).message.text));
    expect(bobTexts).toEqual(['m0', 'm2', 'm4', 'm6', 'm8']);
    const alicePage = await s.sync.page(alice, start, 1000);
    expect(alicePage.events).toHaveLength(10);
    expect(alicePage).toMatchObject({ through: head, more: false, snapshotRequired: false });
    // An empty tail still accounts up to head.
    expect(await s.sync.page(bob, head, 5)).toMatchObject({ events: [], through: head, more: false });
  });
});

describe('unread counts', () => {
  it('counts others\u2019 messages after the read marker, and mentions of me, per visible room', async () => {
    const alice = await user('alice');
    const bob = await user('bob');
    const { room } = await s.rooms.create(alice, { name: 'lobby' });
    const { room: other } = await s.rooms.create(alice, { name: 'other' });
    // Counts are kept for the rooms bob is in (and mentions highlight members only).
    await s.membership.join(bob, room.id);
    const joinedAt = store.events.after(0, 1000).find((e) => e.type === 'room.joined' && e.roomId === room.id)!.order;
    await s.membership.join(bob, other.id);
    await send(alice, room.id, 'hi all');
    const m2 = await send(alice, room.id, 'hey @bob, look');
    await send(bob, room.id, 'my own message does not count');
    await send(alice, other.id, 'elsewhere @BOB.');
    let st = await s.state.state(bob);
    expect(st.unread[room.id]).toEqual({ count: 2, mentions: 1 });
    expect(st.unread[other.id]).toEqual({ count: 1, mentions: 1 });
    // Bob has not marked anything read: his marker is where he joined (what was said before never reached him).
    expect(st.readMarkers[room.id]).toBe(joinedAt);
    await s.readMarkers.mark(bob, { roomId: room.id, order: m2.message.order });
    st = await s.state.state(bob);
    expect(st.unread[room.id]).toEqual({ count: 0, mentions: 0 });
    expect(st.readMarkers[room.id]).toBe(m2.message.order);
    // Markers never move backwards, and a no-op writes no event.
    const head = s.deps.queue.head;
    await s.readMarkers.mark(bob, { roomId: room.id, order: 1 });
    expect(s.deps.queue.head).toBe(head);
    // The read.marked event is private to bob.
    const marked = store.events.after(0, 1000).find((e) => e.type === 'read.marked')!;
    expect((await s.deps.access.view()).canSeeEvent(bob, marked)).toBe(true);
    expect((await s.deps.access.view()).canSeeEvent(alice, marked)).toBe(false);
    expect(st.users.find((u) => u.id === alice)).not.toHaveProperty('username');
  });

  it(`counts past ${UNREAD_COUNT_CAP} unread exactly, from counters; mentions too`, async () => {
    const alice = await user('alice');
    const bob = await user('bob');
    const { room } = await s.rooms.create(alice, { name: 'busy' });
    await s.membership.join(bob, room.id);
    const total = UNREAD_COUNT_CAP + 5;
    const sent = await Promise.all(
      Array.from({ length: total }, (_, i) => send(alice, room.id, i % 100 === 0 ? `@bob ${i}` : `m${i}`, `n${i}`)),
    );
    expect((await s.state.state(bob)).unread[room.id]).toEqual({ count: total, mentions: 11 });
    await s.readMarkers.mark(bob, { roomId: room.id, order: sent[6]!.message.order });
    expect((await s.state.state(bob)).unread[room.id]).toEqual({ count: total - 7, mentions: 10 });
  });
});
