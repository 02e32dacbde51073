import fs from 'node:fs';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/adapters/sqlite/db.js';
import { CORE_SCHEMAS, FEATURE_SCHEMAS, migrate, PG_SCHEMA_VERSION } from '../src/adapters/postgres/migrations.js';
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

  it('step 2 brings a database made by step 1 to exact unread counters, counting what it already holds', async () => {
    const url = await freshPgUrl();
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      // A database as step 1 left it (what a server before the counters made), with messages and markers.
      await c.query('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)');
      await c.query([...CORE_SCHEMAS, ...FEATURE_SCHEMAS].join('\n'));
      await c.query('INSERT INTO schema_migrations (version, applied_at) VALUES (1, 0)');
      for (const u of ['ann', 'bob', 'cat']) {
        await c.query("INSERT INTO users (id, username, nickname, nickname_lc, password_hash, created_at) VALUES ($1, $1, $1, $1, 'x', 1)", [u]);
      }
      await c.query("INSERT INTO rooms (id, name, kind, created_at) VALUES ('r1', 'r1', 'text', 1)");
      for (const u of ['ann', 'bob']) await c.query("INSERT INTO room_members (room_id, user_id) VALUES ('r1', $1)", [u]);
      // ann's 1100 messages, a deleted one, a thread-only reply by bob and one shown in the room.
      await c.query(
        `INSERT INTO messages (id, room_id, author_id, text, event_order, created_at)
         SELECT 'a' || i, 'r1', 'ann', 't', i, i FROM generate_series(1, 1100) AS i`,
      );
      await c.query("UPDATE messages SET deleted = 1 WHERE id = 'a5'");
      await c.query("INSERT INTO messages (id, room_id, author_id, text, event_order, created_at, thread_id) VALUES ('r-only', 'r1', 'bob', 't', 1101, 1101, 'a1')");
      await c.query("INSERT INTO messages (id, room_id, author_id, text, event_order, created_at, thread_id, also_in_room) VALUES ('r-shown', 'r1', 'bob', 't', 1102, 1102, 'a1', 1)");
      // bob read up to 100; cat left r1 but kept a marker at 1000.
      await c.query("INSERT INTO read_markers (user_id, room_id, event_order) VALUES ('bob', 'r1', 100), ('cat', 'r1', 1000)");
      expect(await migrate(c)).toBe(PG_SCHEMA_VERSION);
      const unread = async (u: string) =>
        Number(
          (
            await c.query(
              'SELECT r.msg_seq - rr.marker_seq - rr.own_after - rr.gone_after AS n FROM room_reads rr JOIN rooms r ON r.id = rr.room_id WHERE rr.user_id = $1',
              [u],
            )
          ).rows[0]?.n,
        );
      // The room shows 1101 messages (the thread-only reply has no sequence).
      expect((await c.query("SELECT msg_seq::int AS n FROM rooms WHERE id = 'r1'")).rows).toEqual([{ n: 1101 }]);
      expect((await c.query("SELECT room_seq::int AS n FROM messages WHERE id IN ('r-only', 'r-shown') ORDER BY id")).rows).toEqual([{ n: null }, { n: 1101 }]);
      // ann: bob's reply shown in the room; bob: ann's 101..1100; cat (kept marker): ann's 1001..1100 and bob's reply.
      expect([await unread('ann'), await unread('bob'), await unread('cat')]).toEqual([1, 1000, 101]);
      // The triggers keep them from here: a new message by ann, and one of hers deleted after bob's marker.
      await c.query("INSERT INTO messages (id, room_id, author_id, text, event_order, created_at) VALUES ('a-new', 'r1', 'ann', 't', 1103, 1103)");
      await c.query("UPDATE messages SET deleted = 1 WHERE id = 'a500'");
      expect([await unread('ann'), await unread('bob'), await unread('cat')]).toEqual([1, 1000, 102]);
    } finally {
      await c.end();
    }
  });
});
