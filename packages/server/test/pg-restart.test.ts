import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresEventBus } from '../src/adapters/postgres/event-bus.js';
import { PostgresStorage } from '../src/adapters/postgres/storage.js';
import type { BatchStep, UnitOfWork } from '../src/ports/storage.js';
import { StorageUnavailable } from '../src/ports/storage.js';
import { until } from './helpers.js';
import { type Cluster, startCluster, stopPid, withDatabase } from './pg/cluster.js';

/*
 * PostgreSQL restarted under a node (a cluster of this file's own: the run's shared one cannot be restarted):
 * writes answer UNAVAILABLE while it is down, the storage and the LISTEN connection come back by themselves,
 * and nothing acknowledged before is lost.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'od-pg-restart-'));
let cluster: Cluster | null = null;
afterAll(async () => {
  if (cluster) await stopPid(cluster.pid);
  fs.rmSync(dir, { recursive: true, force: true });
});

const append: BatchStep = {
  run(uow: UnitOfWork) {
    return uow.append({ id: `e${Math.random()}`, type: 'user.updated', roomId: null, actorId: null, targetUserId: null, createdAt: 1 }, {
      user: { id: 'u' },
    } as never).order;
  },
  rolledBack: () => {},
};

describe('PostgreSQL restarted', () => {
  it('writes answer UNAVAILABLE while it is down; storage and LISTEN reconnect by themselves; nothing acknowledged is lost', async () => {
    fs.chmodSync(dir, 0o755);
    cluster = await startCluster(path.join(dir, 'pg'));
    const url = withDatabase(cluster.adminUrl, 'postgres');
    const store = await PostgresStorage.open(url);
    const bus = new PostgresEventBus(url, { pollMs: 200, backoffMs: 50, maxBackoffMs: 200 });
    try {
      await bus.ready();
      for (let i = 0; i < 3; i++) expect((await store.runBatch(i, [append], () => {})).outcomes).toEqual([{ ok: true, value: i + 1 }]);
      await stopPid(cluster.pid);
      await expect(store.runBatch(3, [append], () => {})).rejects.toBeInstanceOf(StorageUnavailable);
      await expect(store.transaction(() => store.users.count())).rejects.toBeInstanceOf(StorageUnavailable);
      await cluster.restart();
      // The pool replaces its dead connections: the next batch works without anyone reopening anything.
      const r = await store.runBatch(3, [append], () => {});
      expect(r.outcomes).toEqual([{ ok: true, value: 4 }]);
      expect((await store.events.after(0, 100)).map((e) => e.order)).toEqual([1, 2, 3, 4]);
      await until(() => bus.connects >= 2, 'the LISTEN connection to come back', 20_000);
    } finally {
      bus.close();
      await store.close();
    }
  });
});
