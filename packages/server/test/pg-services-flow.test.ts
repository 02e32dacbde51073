import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStorage } from '../src/adapters/sqlite/storage.js';
import { pgFeatureRepositories } from '../src/adapters/postgres/feature-repositories.js';
import { FEATURE_SCHEMA_LIST } from '../src/adapters/postgres/schema/features.js';
import type { Sql } from '../src/adapters/postgres/repo-sql.js';
import type { Storage } from '../src/ports/storage.js';
import { accountsAndInbox, community, everyFeature } from './every-feature-flow.js';
import { tempDir } from './helpers.js';
import { freshPgUrl } from './pg/fresh-db.js';

/*
 * Every feature through the services on PostgreSQL, against SQLite: the same flow (every-feature-flow.ts) on
 * each must leave identical event logs and answer every read identically. The PostgreSQL storage itself
 * (adapters/postgres/storage.ts: batches, the head counter, the event bus) is the other half of issue 16; this
 * suite runs where both halves are in one build, with the feature repositories attached to its connection.
 */

interface PgStorageModule {
  PostgresStorage: { open(url: string, opts: object, extra: object): Promise<Storage & { db: Sql }> };
}
const storageFile = new URL('../src/adapters/postgres/storage.ts', import.meta.url);
const pgStorage: PgStorageModule | null = fs.existsSync(storageFile) ? ((await import(storageFile.href)) as PgStorageModule) : null;

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
const dir = () => {
  const d = tempDir();
  dirs.push(d);
  return d;
};

async function openPg(): Promise<Storage & { db: Sql }> {
  // The feature repositories on the storage's own connection (so calls inside a step reach its transaction),
  // given as the storage's extra repositories: they run their queries through it once it exists.
  let store: (Storage & { db: Sql }) | null = null;
  const db: Sql = {
    rows: (sql, params) => store!.db.rows(sql, params),
    row: (sql, params) => store!.db.row(sql, params),
    run: (sql, params) => store!.db.run(sql, params),
  };
  store = await pgStorage!.PostgresStorage.open(await freshPgUrl(), {}, pgFeatureRepositories(db));
  // Until the build's migration list includes the feature schemas, add them here.
  if ((await store.db.row("SELECT 1 AS x FROM information_schema.tables WHERE table_name = 'message_reactions'")) === null) {
    await store.db.run(FEATURE_SCHEMA_LIST.join('\n'));
  }
  return store;
}

describe.runIf(pgStorage !== null)('every feature through the services on PostgreSQL', () => {
  it('leaves the same event log and answers every read as on SQLite', async () => {
    const run = async (store: Storage) => {
      const s = await community(store, dir());
      const reads = await everyFeature(s);
      const more = await accountsAndInbox(store, s);
      const log = (await store.events.after(0, 10_000)).map((e) => [e.order, e.type, e.dataJson]);
      return { reads, more, log };
    };
    const lite = SqliteStorage.open(dir());
    const pg = await openPg();
    try {
      const a = await run(lite);
      const b = await run(pg);
      expect(b.log.length).toBeGreaterThan(30);
      expect(b.log).toEqual(a.log);
      expect(b.reads).toEqual(a.reads);
      expect(b.more).toEqual(a.more);
    } finally {
      lite.close();
      await pg.close();
    }
  });
});
