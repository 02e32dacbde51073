import fs from 'node:fs';
import { afterEach, describe, expect, it as base } from 'vitest';
import { SqliteStorage } from '../src/adapters/sqlite/storage.js';
import { createServices } from '../src/app.js';
import type { BatchResult, Storage } from '../src/ports/storage.js';
import { quiet, tempDir } from './helpers.js';
import { ENGINES, type Engine } from './storage-engines.js';

/*
 * The storage port allows an engine whose unit of work completes later (over the network). Each engine's
 * storage is wrapped to resolve its batches a few turns later still (SQLite commits synchronously; the test
 * also holds batches back at will), and the commit queue must keep the contract: acknowledge after commit,
 * publish before the replies, in order. The same suite runs on SQLite and on PostgreSQL.
 */
const dirs: string[] = [];
const stores: SqliteStorage[] = [];
afterEach(() => {
  while (stores.length) stores.pop()!.close();
  while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true });
});

/**
 * The SQLite storage, but each batch commits only when `release` runs it: at once in a later turn by
 * default, or when the test says so (`held`).
 */
function asyncStorage(real: Storage, log: string[], held: Array<() => void> | null): Storage {
  const wrapped = Object.create(real) as Storage;
  wrapped.runBatch = (knownHead, steps, onForeign) =>
    new Promise<BatchResult>((resolve, reject) => {
      const release = () => {
        real.runBatch(knownHead, steps, onForeign).then((r) => {
          log.push('committed');
          resolve(r);
        }, reject);
      };
      if (held) held.push(release);
      else setImmediate(release);
    });
  return wrapped;
}

async function setup(engine: Engine, held: Array<() => void> | null = null) {
  const real = await engine.open();
  const log: string[] = [];
  let ids = 0;
  const s = await createServices({
    storage: asyncStorage(real, log, held),
    now: () => 1_700_000_000_000,
    newId: () => `id${++ids}`,
    log: quiet,
    snapshotThreshold: 10_000,
    auth: { secret: Buffer.alloc(32, 7), registration: 'open', bcryptCost: 4, accessTokenTtlSec: 900, refreshTokenTtlSec: 3600, authRate: null },
  });
  s.bus.subscribe((events) => log.push(`published ${events.map((e) => e.order).join(',')}`));
  return { s, real, log };
}

describe.each(ENGINES)('the commit queue on an asynchronous storage engine ($name)', (engine) => {
  const it = engine.complete ? base : base.skip;
  it('acknowledges after the commit, publishes each batch in order before its replies', async () => {
    const { s, log } = await setup(engine);
    const alice = (await s.auth.signup({ username: 'alice', password: 'correct horse', nickname: 'alice' }, '127.0.0.1')).user.id;
    const { room } = await s.rooms.create(alice, { name: 'lobby' });
    log.length = 0;
    const sends = Array.from({ length: 5 }, (_, i) =>
      s.messages.send(alice, { roomId: room.id, text: `m${i}`, nonce: `n${i}` }).then((r) => {
        log.push(`reply ${r.message.order}`);
        return r;
      }),
    );
    const replies = await Promise.all(sends);
    const orders = replies.map((r) => r.message.order);
    expect(orders).toEqual([3, 4, 5, 6, 7]);
    expect(log).toEqual(['committed', 'published 3,4,5,6,7', ...orders.map((o) => `reply ${o}`)]);
    expect(s.deps.queue.head).toBe(7);
  });

  it('runs one batch at a time: writes submitted while a batch is in flight form the next, never publish twice', async () => {
    const held: Array<() => void> = [];
    const { s, log } = await setup(engine, held);
    /** Commit every batch as it comes until `p` settles. */
    const settle = async <T>(p: Promise<T>) => {
      let done = false;
      p.then(() => (done = true), () => (done = true));
      while (!done) {
        while (held.length) held.shift()!();
        await new Promise((r) => setImmediate(r));
      }
      return p;
    };
    const alice = (await settle(s.auth.signup({ username: 'alice', password: 'correct horse', nickname: 'alice' }, '127.0.0.1'))).user.id;
    const { room } = await settle(s.rooms.create(alice, { name: 'lobby' }));
    log.length = 0;
    const first = s.messages.send(alice, { roomId: room.id, text: 'a', nonce: 'a' });
    await new Promise((r) => setImmediate(r));
    expect(held).toHaveLength(1); // the first batch is in flight, not committed
    const later = [s.messages.send(alice, { roomId: room.id, text: 'b', nonce: 'b' }), s.messages.send(alice, { roomId: room.id, text: 'c', nonce: 'c' })];
    await new Promise((r) => setImmediate(r));
    expect(held).toHaveLength(1); // the next batch waits for it
    held.shift()!();
    await first;
    while (held.length === 0) await new Promise((r) => setImmediate(r));
    held.shift()!();
    const orders = (await Promise.all([first, ...later])).map((r) => r.message.order);
    expect(orders).toEqual([3, 4, 5]);
    expect(log).toEqual(['committed', 'published 3', 'committed', 'published 4,5']);
    expect(s.deps.queue.head).toBe(5);
  });

  it('a batch whose unit of work fails answers UNAVAILABLE, publishes nothing, and the next one works', async () => {
    const { s, real, log } = await setup(engine);
    const alice = (await s.auth.signup({ username: 'alice', password: 'correct horse', nickname: 'alice' }, '127.0.0.1')).user.id;
    const { room } = await s.rooms.create(alice, { name: 'lobby' });
    const head = s.deps.queue.head;
    log.length = 0;
    const invite = { id: 'inv', code: 'CAUGHT', usesLeft: 1, expiresAt: null, roleId: null, createdBy: null, createdAt: 0 };
    // Submitted in the same turn: one batch. The first step dooms the unit (a failing COMMIT, a lost
    // connection); the second, innocent, is caught in it and must not be committed either.
    const bad = s.deps.queue.submit(engine.doom(real));
    const innocent = s.deps.queue.submit(async (w) => {
      await real.credentials.insertInvite(invite);
      w.emit({ type: 'room.updated', roomId: room.id, actorId: alice }, { room: await real.rooms.toWire((await real.rooms.get(room.id))!) });
    });
    await expect(bad).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await expect(innocent).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(log).toEqual([]);
    expect(s.deps.queue.head).toBe(head);
    expect(await real.events.head()).toBe(head);
    expect(await real.credentials.invite('CAUGHT')).toBeNull();
    const ok = await s.messages.send(alice, { roomId: room.id, text: 'works again', nonce: 'y' });
    expect(ok.message.order).toBe(head + 1);
  });
});

describe('the SQLite unit of work refuses to wait for the event loop while it holds the transaction', () => {
  base('a transaction or a step that waits for a timer is refused and rolled back; the next one works', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const real = SqliteStorage.open(dir);
    stores.push(real);
    const invites = () => real.credentials.inviteCount();
    const row = (code: string) => ({ id: code, code, usesLeft: 1, expiresAt: null, roleId: null, createdBy: null, createdAt: 0 });
    await expect(
      real.transaction(async () => {
        real.credentials.insertInvite(row('WAITED'));
        await new Promise((r) => setTimeout(r, 1));
      }),
    ).rejects.toThrow('a write waited for I/O while holding the transaction');
    expect(invites()).toBe(0);
    const s = await createServices({
      storage: real,
      now: () => 1_700_000_000_000,
      newId: () => 'x',
      log: quiet,
      snapshotThreshold: 10_000,
      auth: { secret: Buffer.alloc(32, 7), registration: 'open', bcryptCost: 4, accessTokenTtlSec: 900, refreshTokenTtlSec: 3600, authRate: null },
    });
    const waited = s.deps.queue.submit(async () => {
      real.credentials.insertInvite(row('STEP'));
      await new Promise((r) => setImmediate(r));
    });
    await expect(waited).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(invites()).toBe(0);
    await real.transaction(() => real.credentials.insertInvite(row('FINE')));
    expect(invites()).toBe(1);
  });
});
