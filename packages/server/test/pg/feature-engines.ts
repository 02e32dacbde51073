import fs from 'node:fs';
import pg from 'pg';
import { SqliteStorage } from '../../src/adapters/sqlite/storage.js';
import { PgDb } from '../../src/adapters/postgres/db.js';
import { migrate } from '../../src/adapters/postgres/migrations.js';
import { FEATURE_SCHEMA_LIST } from '../../src/adapters/postgres/schema/features.js';
import { pgFeatureRepositories } from '../../src/adapters/postgres/feature-repositories.js';
import { PgCredentialsRepo } from '../../src/adapters/postgres/credentials-repo.js';
import { PgMessagesRepo } from '../../src/adapters/postgres/messages-repo.js';
import { PgReadMarkersRepo } from '../../src/adapters/postgres/read-markers-repo.js';
import type { Repositories } from '../../src/ports/storage.js';
import { type Check, type DatabaseStats, databaseChecks, databaseStats } from '../../src/adapters/sqlite/operator-report.js';
import { pgDatabaseChecks, pgDatabaseStats } from '../../src/adapters/postgres/operator-report.js';
import { PG_SCHEMA_VERSION } from '../../src/adapters/postgres/migrations.js';
import { tempDir } from '../helpers.js';
import { freshPgUrl } from './fresh-db.js';

/*
 * The feature repositories over both engines, for tests that run the same calls on each and compare. Rows
 * the core repositories own (users, rooms, messages, events) are written with plain SQL that both engines
 * take (`$1` placeholders; SQLite reads them as ?1).
 */

export type FeatureRepos = Pick<
  Repositories,
  | 'reactions' | 'conversations' | 'roomSettings' | 'files' | 'threads' | 'search' | 'blocks' | 'retention' | 'accountSecurity' | 'audit' | 'forum' | 'inbox' | 'appPasswords' | 'voice'
  | 'credentials' | 'messages' | 'readMarkers'
>;

export interface Engine {
  name: 'sqlite' | 'postgres';
  repos: FeatureRepos;
  /** What `od-server stats` and `doctor` read of the store. */
  report: { stats(now: number): Promise<DatabaseStats>; checks(): Promise<Check[]> };
  /** Rows of a statement (`$n` placeholders), or [] for a write. */
  sql<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

export async function openSqlite(): Promise<Engine> {
  const dir = tempDir();
  const store = SqliteStorage.open(dir);
  return {
    name: 'sqlite',
    repos: store,
    report: { stats: async (now) => databaseStats(dir, now), checks: async () => databaseChecks(dir, false) },
    async sql<R>(text: string, params: readonly unknown[] = []): Promise<R[]> {
      // $n as a named parameter @pn: one value may be used several times, as in PostgreSQL.
      const stmt = store.db.prepare(text.replace(/\$(\d+)/g, '@p$1'));
      const args = Object.fromEntries(params.map((p, i) => [`p${i + 1}`, typeof p === 'boolean' ? (p ? 1 : 0) : p]));
      const bind = params.length > 0 ? [args] : [];
      return stmt.reader ? (stmt.all(...bind) as R[]) : (stmt.run(...bind), []);
    },
    async close() {
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh database with the whole schema: the core steps, then the feature schemas if migrate did not include them yet. */
export async function openPostgres(): Promise<Engine> {
  const url = await freshPgUrl();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await migrate(client);
    const has = await client.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'message_reactions'");
    if (has.rowCount === 0) await client.query(FEATURE_SCHEMA_LIST.join('\n'));
  } finally {
    await client.end();
  }
  const db = new PgDb(url, { max: 4 });
  // Core repositories the feature tests read: credentials (what it does to app passwords), messages and read
  // markers (the unread counters the retention sweep keeps).
  const repos = { ...pgFeatureRepositories(db), credentials: new PgCredentialsRepo(db), messages: new PgMessagesRepo(db), readMarkers: new PgReadMarkersRepo(db) };
  return {
    name: 'postgres',
    repos,
    report: { stats: (now) => pgDatabaseStats(db, now), checks: () => pgDatabaseChecks(db, PG_SCHEMA_VERSION) },
    sql: (text, params = []) => db.rows(text, params),
    close: () => db.close(),
  };
}

export const ENGINES: Array<[Engine['name'], () => Promise<Engine>]> = [
  ['sqlite', openSqlite],
  ['postgres', openPostgres],
];

/** Fixture rows the core repositories would write. */
export const fixtures = (e: Engine) => ({
  async user(id: string, createdAt = 1): Promise<void> {
    await e.sql('INSERT INTO users (id, username, nickname, nickname_lc, password_hash, created_at) VALUES ($1, $1, $1, $1, $2, $3)', [id, 'x', createdAt]);
  },
  async room(id: string, kind = 'text', createdBy: string | null = null): Promise<void> {
    await e.sql('INSERT INTO rooms (id, name, kind, created_by, created_at) VALUES ($1, $1, $2, $3, 1)', [id, kind, createdBy]);
  },
  async member(roomId: string, userId: string): Promise<void> {
    await e.sql('INSERT INTO room_members (room_id, user_id) VALUES ($1, $2)', [roomId, userId]);
  },
  async leave(roomId: string, userId: string): Promise<void> {
    await e.sql('DELETE FROM room_members WHERE room_id = $1 AND user_id = $2', [roomId, userId]);
  },
  async message(m: { id: string; room: string; author: string; order: number; text?: string; at?: number; thread?: string | null; alsoInRoom?: boolean }): Promise<void> {
    await e.sql(
      `INSERT INTO messages (id, room_id, author_id, text, event_order, created_at, thread_id, also_in_room)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [m.id, m.room, m.author, m.text ?? `text of ${m.id}`, m.order, m.at ?? m.order * 1000, m.thread ?? null, m.alsoInRoom ? 1 : 0],
    );
  },
  async mention(messageId: string, userId: string, roomId: string, order: number, threadOnly = false): Promise<void> {
    await e.sql('INSERT INTO message_mentions (message_id, user_id, room_id, event_order, thread_only) VALUES ($1, $2, $3, $4, $5)', [
      messageId,
      userId,
      roomId,
      order,
      threadOnly ? 1 : 0,
    ]);
  },
  async event(ev: { order: number; type: string; room?: string | null; actor?: string | null; target?: string | null; data: unknown; at?: number }): Promise<void> {
    await e.sql('INSERT INTO events (event_order, id, type, room_id, actor_id, target_user_id, data, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
      ev.order,
      `ev${ev.order}`,
      ev.type,
      ev.room ?? null,
      ev.actor ?? null,
      ev.target ?? null,
      JSON.stringify(ev.data),
      ev.at ?? ev.order * 1000,
    ]);
  },
  async refreshToken(hash: string, userId: string, family: string, createdAt: number, expiresAt: number, rotated = 0, revoked = 0): Promise<void> {
    await e.sql(
      'INSERT INTO refresh_tokens (token_hash, user_id, family_id, created_at, expires_at, rotated, revoked) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [hash, userId, family, createdAt, expiresAt, rotated, revoked],
    );
  },
});
