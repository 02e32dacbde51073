import { afterEach, describe, expect, it } from 'vitest';
import { PostgresEventBus } from '../src/adapters/postgres/event-bus.js';
import { PostgresStorage } from '../src/adapters/postgres/storage.js';
import { createServices } from '../src/app.js';
import type { BatchStep, StoredEvent, UnitOfWork } from '../src/ports/storage.js';
import { StorageConflict, StorageUnavailable } from '../src/ports/storage.js';
import { quiet, until } from './helpers.js';
import { POSTGRES, terminate, urlOf } from './storage-engines.js';

/*
 * What only an engine shared by several processes must keep (DESIGN §9): orders gap-free and committed in order
 * when two nodes write at once, a rolled-back step leaving no hole, a connection killed mid-batch failing the
 * whole batch (nothing committed) with the next one working, and the event bus waking other nodes by NOTIFY,
 * with the poll catching up when the LISTEN connection is gone.
 */

const buses: PostgresEventBus[] = [];
afterEach(() => {
  while (buses.length) buses.pop()!.close();
});

let ids = 0;
/** A step appending `n` events (or throwing after appending, when `fail` says so). */
function step(n: number, opts: { fail?: unknown; rolledBack?: () => void } = {}): BatchStep {
  return {
    run(uow: UnitOfWork) {
      const out: number[] = [];
      for (let i = 0; i < n; i++) {
        const e = uow.append(
          { id: `e${++ids}`, type: 'user.updated', roomId: null, actorId: null, targetUserId: null, createdAt: 1 },
          (order) => ({ user: { id: `u${order}` } }) as never,
        );
        out.push(e.order);
      }
      if (opts.fail !== undefined) throw opts.fail;
      return out;
    },
    rolledBack: opts.rolledBack ?? (() => {}),
  };
}

async function orders(store: PostgresStorage): Promise<number[]> {
  return (await store.events.after(0, 100_000)).map((e) => e.order);
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('PostgreSQL storage: orders', () => {
  it('two nodes writing at once: orders gap-free, each batch contiguous, each node sees every event once in order', async () => {
    const a = (await POSTGRES.open()) as PostgresStorage;
    const b = (await POSTGRES.openAgain(a)) as PostgresStorage;
    /** One node's writer: batches one after another (as its commit queue runs them), reporting what it saw. */
    const writer = async (store: PostgresStorage, batches: number) => {
      let head = 0;
      const seen: number[] = [];
      for (let i = 0; i < batches; i++) {
        const size = 1 + (i % 3);
        const r = await store.runBatch(head, Array.from({ length: size }, () => step(1 + (i % 2))), () => {});
        const own = r.outcomes.flatMap((o) => (o.ok ? (o.value as number[]) : []));
        // Foreign events are exactly those after our head, before our own.
        expect(r.foreign.map((e) => e.order)).toEqual(range(head + 1, own[0]! - 1));
        expect(own).toEqual(range(own[0]!, own[own.length - 1]!));
        seen.push(...r.foreign.map((e) => e.order), ...own);
        head = own[own.length - 1]!;
      }
      return seen;
    };
    const [seenA, seenB] = await Promise.all([writer(a, 40), writer(b, 40)]);
    const all = await orders(a);
    expect(all).toEqual(range(1, all.length));
    expect(await a.events.head()).toBe(all.length);
    // Each node accounted every event up to its last batch exactly once, in order.
    expect(seenA).toEqual(range(1, seenA.length));
    expect(seenB).toEqual(range(1, seenB.length));
    expect(Math.max(seenA.length, seenB.length)).toBe(all.length);
  });

  it('a step that throws leaves no hole: its events are undone and the next step takes its orders', async () => {
    const store = (await POSTGRES.open()) as PostgresStorage;
    const rolled: number[] = [];
    const boom = new Error('step failed');
    const r = await store.runBatch(0, [step(2), step(3, { fail: boom, rolledBack: () => rolled.push(2) }), step(1)], () => {});
    expect(r.outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    expect(r.outcomes[1]).toEqual({ ok: false, error: boom });
    expect(rolled).toEqual([2]);
    expect(r.outcomes[2]).toEqual({ ok: true, value: [3] });
    expect(await orders(store)).toEqual([1, 2, 3]);
    expect(await store.events.head()).toBe(3);
  });

  it('a uniqueness violation fails its step with StorageConflict; the batch goes on', async () => {
    const store = (await POSTGRES.open()) as PostgresStorage;
    const user = { id: 'u1', username: 'ada', nickname: 'ada', passwordHash: 'x', createdAt: 1 };
    const insert: BatchStep = { run: () => store.users.insert(user), rolledBack: () => {} };
    const r = await store.runBatch(0, [insert, insert, step(1)], () => {});
    expect(r.outcomes[0]!.ok).toBe(true);
    expect(r.outcomes[1]).toMatchObject({ ok: false, error: expect.any(StorageConflict) });
    expect(r.outcomes[2]).toEqual({ ok: true, value: [1] });
    expect(await store.users.count()).toBe(1);
    await expect(store.transaction(() => store.users.insert(user))).rejects.toBeInstanceOf(StorageConflict);
  });

  it('reads inside a step see the writes (and events) of the steps before it; other readers see committed state only', async () => {
    const store = (await POSTGRES.open()) as PostgresStorage;
    const other = await POSTGRES.openAgain(store);
    const user = { id: 'u1', username: 'ada', nickname: 'ada', passwordHash: 'x', createdAt: 1 };
    const seen: unknown[] = [];
    await store.runBatch(
      0,
      [
        { run: () => store.users.insert(user), rolledBack: () => {} },
        step(2),
        {
          run: async () => {
            seen.push((await store.users.byId('u1'))?.username, await store.events.head(), (await store.events.range(0, 10)).length);
            // A reader outside the batch (another node, or this one's pool) does not see it yet.
            seen.push(await other.users.count(), await other.events.head());
          },
          rolledBack: () => {},
        },
      ],
      () => {},
    );
    expect(seen).toEqual(['ada', 2, 2, 0, 0]);
    expect(await store.users.count()).toBe(1);
  });
});

describe('PostgreSQL storage: async context', () => {
  it('work a step leaves running past its batch reads committed state from the pool, not the ended unit', async () => {
    const store = (await POSTGRES.open()) as PostgresStorage;
    let go!: () => void;
    const gate = new Promise<void>((resolve) => (go = resolve));
    let late!: Promise<number>;
    const leaves: BatchStep = {
      run() {
        // Registered inside the step: the continuation carries the batch's async context.
        late = gate.then(() => store.events.head());
      },
      rolledBack: () => {},
    };
    await store.runBatch(0, [leaves, step(2)], () => {});
    await store.runBatch(2, [step(1)], () => {});
    go();
    expect(await late).toBe(3);
  });
});

describe('PostgreSQL storage: failures', () => {
  it('the connection killed mid-batch: StorageUnavailable, nothing committed, the next batch works', async () => {
    const store = (await POSTGRES.open()) as PostgresStorage;
    await store.runBatch(0, [step(2)], () => {});
    const kill: BatchStep = { run: POSTGRES.doom(store), rolledBack: () => {} };
    await expect(store.runBatch(2, [step(3), kill, step(1)], () => {})).rejects.toBeInstanceOf(StorageUnavailable);
    expect(await orders(store)).toEqual([1, 2]);
    expect(await store.events.head()).toBe(2);
    const r = await store.runBatch(2, [step(1)], () => {});
    expect(r.outcomes).toEqual([{ ok: true, value: [3] }]);
    expect(await orders(store)).toEqual([1, 2, 3]);
  });

  it('a transaction whose connection is killed answers StorageUnavailable and commits nothing', async () => {
    const store = (await POSTGRES.open()) as PostgresStorage;
    const invite = { id: 'i1', code: 'C1', usesLeft: 1, expiresAt: null, roleId: null, createdBy: null, createdAt: 0 };
    await expect(
      store.transaction(async () => {
        await store.credentials.insertInvite(invite);
        await POSTGRES.doom(store)();
      }),
    ).rejects.toBeInstanceOf(StorageUnavailable);
    expect(await store.credentials.inviteCount()).toBe(0);
    await store.transaction(() => store.credentials.insertInvite(invite));
    expect(await store.credentials.inviteCount()).toBe(1);
  });

  it('a database that cannot be reached answers StorageUnavailable', async () => {
    const store = new PostgresStorage('postgres://nobody@127.0.0.1:1/none');
    try {
      await expect(store.runBatch(0, [step(1)], () => {})).rejects.toBeInstanceOf(StorageUnavailable);
      await expect(store.transaction(() => 1)).rejects.toBeInstanceOf(StorageUnavailable);
    } finally {
      await store.close();
    }
  });
});

/** Node B: a commit queue on its own storage, fed by a PostgresEventBus; `published` is what it fanned out. */
async function nodeB(url: string, opts: ConstructorParameters<typeof PostgresEventBus>[1]) {
  const storage = await PostgresStorage.open(url);
  const bus = new PostgresEventBus(url, opts);
  buses.push(bus);
  const s = await createServices({
    storage,
    bus,
    now: () => 1,
    newId: () => 'x',
    log: quiet,
    snapshotThreshold: 10_000,
    auth: { secret: Buffer.alloc(32, 7), registration: 'open', bcryptCost: 4, accessTokenTtlSec: 900, refreshTokenTtlSec: 3600, authRate: null },
  });
  const published: StoredEvent[] = [];
  bus.subscribe((events) => published.push(...events));
  bus.watchForeign(() => void s.deps.queue.absorbForeign());
  await bus.ready();
  return { storage, bus, s, published };
}

describe('PostgreSQL event bus', () => {
  it("another node's batch arrives by NOTIFY (the poll is off), once, in order", async () => {
    const a = (await POSTGRES.open()) as PostgresStorage;
    const b = await nodeB(urlOf(a), { pollMs: 3_600_000 });
    await a.runBatch(0, [step(2)], () => {});
    await until(() => b.published.length === 2, 'node B to publish the first batch');
    await a.runBatch(2, [step(1), step(2)], () => {});
    await until(() => b.published.length === 5, 'node B to publish the second batch');
    expect(b.published.map((e) => e.order)).toEqual([1, 2, 3, 4, 5]);
    expect(b.bus.notifications).toBeGreaterThanOrEqual(2);
    expect(b.s.deps.queue.head).toBe(5);
  });

  it('a dropped LISTEN connection: the poll catches up meanwhile, and the connection comes back by itself', async () => {
    const a = (await POSTGRES.open()) as PostgresStorage;
    // Reconnecting waits long enough for the test to see the poll do the work alone, then comes back.
    const b = await nodeB(urlOf(a), { pollMs: 100, backoffMs: 1500 });
    expect(b.bus.connects).toBe(1);
    await terminate(urlOf(a), b.bus.listenerPid!);
    await until(() => b.bus.listenerPid === null, 'the LISTEN connection to be noticed gone');
    const before = b.bus.notifications;
    await a.runBatch(0, [step(3)], () => {});
    await until(() => b.published.length === 3, 'node B to catch up by polling');
    expect(b.bus.notifications).toBe(before);
    expect(b.published.map((e) => e.order)).toEqual([1, 2, 3]);
    await until(() => b.bus.connects === 2, 'the LISTEN connection to come back', 20_000);
    await a.runBatch(3, [step(1)], () => {});
    await until(() => b.published.length === 4, 'node B to publish the next batch');
    expect(b.published.map((e) => e.order)).toEqual([1, 2, 3, 4]);
  });
});
