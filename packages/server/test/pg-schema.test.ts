import fs from 'node:fs';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/adapters/sqlite/db.js';
import { migrate, PG_SCHEMA_VERSION } from '../src/adapters/postgres/migrations.js';
import { freshPgUrl } from './pg/fresh-db.js';
import { tempDir } from './helpers.js';

/** The tables the core PostgreSQL repositories use (the other features' tables join when their schema files land). */
const CORE_TABLES = [
  'meta', 'events', 'users', 'refresh_tokens', 'reset_codes', 'highlight_words', 'roles', 'user_roles', 'invites',
  'categories', 'rooms', 'room_members', 'group_admins', 'messages', 'message_mentions', 'read_markers',
];

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('PostgreSQL schema', () => {
  it('migrates once, records its version, and a second run (another node starting) changes nothing', async () => {
    const url = await freshPgUrl();
    const a = new pg.Client({ connectionString: url });
    const b = new pg.Client({ connectionString: url });
    await a.connect();
    await b.connect();
    try {
      // Two nodes starting at once take turns on the advisory lock: both end at the same version.
      const [va, vb] = await Promise.all([migrate(a), migrate(b)]);
      expect([va, vb]).toEqual([PG_SCHEMA_VERSION, PG_SCHEMA_VERSION]);
      expect(await migrate(a)).toBe(PG_SCHEMA_VERSION);
      const v = await a.query('SELECT version FROM schema_migrations ORDER BY version');
      expect(v.rows.map((r) => r.version)).toEqual([1, 2]);
      expect(PG_SCHEMA_VERSION).toBe(2);
      const head = await a.query('SELECT last_order FROM community_head');
      expect(head.rows).toEqual([{ last_order: '0' }]);
    } finally {
      await a.end();
      await b.end();
    }
  });

  it("has SQLite's tables and columns, the core repositories' and every other (names equal, so queries translate 1:1)", async () => {
    const url = await freshPgUrl();
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const dir = tempDir();
    dirs.push(dir);
    const db = openDatabase(dir);
    try {
      await migrate(c);
      for (const table of CORE_TABLES) {
        const sqlite = (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as Array<{ name: string }>).map((r) => r.name).sort();
        const r = await c.query<{ column_name: string }>(
          `SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1`,
          [table],
        );
        expect({ table, columns: r.rows.map((x) => x.column_name).sort() }).toEqual({ table, columns: sqlite });
      }
      // Every table SQLite's migrations end with (but its full-text indexes, which PostgreSQL keeps as
      // message_search) exists here with the same columns, so a feature whose tables were never brought to
      // PostgreSQL fails here, not at its first request. `rowid` is SQLite's implicit one, made explicit
      // where a repository reads its order.
      const liteTables = (
        db
          .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%' AND name NOT LIKE 'messages_fts%' ORDER BY name")
          .all() as Array<{ name: string }>
      ).map((r) => r.name);
      expect(liteTables).toEqual(expect.arrayContaining(['app_passwords', 'inbox_fanout', 'voice_participants', 'room_reads']));
      for (const table of liteTables) {
        const sqlite = (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as Array<{ name: string }>).map((r) => r.name).sort();
        const r = await c.query<{ column_name: string }>(
          `SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1`,
          [table],
        );
        const columns = r.rows.map((x) => x.column_name).filter((name) => name !== 'rowid' || sqlite.includes('rowid'));
        expect({ table, columns: columns.sort() }).toEqual({ table, columns: sqlite });
      }
      const roles = await c.query('SELECT id, permissions FROM roles ORDER BY id');
      const sqliteRoles = db.prepare('SELECT id, permissions FROM roles ORDER BY id').all() as Array<{ id: string; permissions: string }>;
      expect(roles.rows.map((r) => ({ id: r.id, permissions: JSON.parse(r.permissions).sort() }))).toEqual(
        sqliteRoles.map((r) => ({ id: r.id, permissions: (JSON.parse(r.permissions) as string[]).sort() })),
      );
    } finally {
      db.close();
      await c.end();
    }
  });
});
