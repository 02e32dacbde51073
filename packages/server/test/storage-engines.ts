import fs from 'node:fs';
import pg from 'pg';
import { afterEach } from 'vitest';
import { PostgresStorage } from '../src/adapters/postgres/storage.js';
import { SqliteStorage } from '../src/adapters/sqlite/storage.js';
import type { Storage } from '../src/ports/storage.js';
import { tempDir } from './helpers.js';
import { freshPgUrl } from './pg/fresh-db.js';

/*
 * The storage engines the port's contract tests run on (`describe.each(ENGINES)`): SQLite in a temp folder and
 * PostgreSQL in a fresh database of the run's cluster. Everything opened is closed after each test.
 */
export interface Engine {
  name: 'sqlite' | 'postgres';
  /**
   * Every feature's repository is in this build. PostgreSQL's other feature repositories land separately
   * (adapters/postgres/feature-repos.ts); until then, tests that go through services needing them (sign-up
   * checks held names in accountSecurity) run on SQLite only.
   */
  complete: boolean;
  /** A new, empty store (a fresh folder or database). */
  open(): Promise<Storage>;
  /** A second store on the same data (another node; SQLite: another connection to the same file). */
  openAgain(store: Storage): Promise<Storage>;
  /**
   * A step body that makes its whole unit of work fail as an engine failure would (SQLite: a deferred
   * foreign-key violation failing COMMIT, like a full disk; PostgreSQL: the connection killed mid-batch).
   */
  doom(store: Storage): () => Promise<void>;
}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const sqliteDirs = new WeakMap<Storage, string>();
const pgUrls = new WeakMap<Storage, string>();

export const SQLITE: Engine = {
  name: 'sqlite',
  complete: true,
  async open() {
    const dir = tempDir();
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const s = SqliteStorage.open(dir);
    cleanups.push(() => s.close());
    sqliteDirs.set(s, dir);
    return s;
  },
  async openAgain(store) {
    const s = SqliteStorage.open(sqliteDirs.get(store)!);
    cleanups.push(() => s.close());
    return s;
  },
  doom(store) {
    const db = (store as SqliteStorage).db;
    return async () => {
      db.pragma('defer_foreign_keys = ON');
      db.prepare("INSERT INTO user_roles (user_id, role_id) VALUES ('ghost', 'everyone')").run();
    };
  },
};

export const POSTGRES: Engine = {
  name: 'postgres',
  complete: PostgresStorage.missingInBuild().length === 0,
  async open() {
    const url = await freshPgUrl();
    const s = await PostgresStorage.open(url);
    cleanups.push(() => s.close());
    pgUrls.set(s, url);
    return s;
  },
  async openAgain(store) {
    const s = await PostgresStorage.open(pgUrls.get(store)!);
    cleanups.push(() => s.close());
    return s;
  },
  doom(store) {
    const db = (store as PostgresStorage).db;
    return async () => {
      // The batch's own connection (routed there because a step is running), cut from another one.
      const pid = (await db.row<{ pid: number }>('SELECT pg_backend_pid() AS pid'))!.pid;
      await terminate(pgUrls.get(store)!, pid);
      await db.rows('SELECT 1');
    };
  },
};

export const ENGINES: readonly Engine[] = [SQLITE, POSTGRES];

/** pg_terminate_backend from a connection of its own. */
export async function terminate(url: string, pid: number): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
  } finally {
    await admin.end();
  }
}

export function urlOf(store: Storage): string {
  return pgUrls.get(store)!;
}
