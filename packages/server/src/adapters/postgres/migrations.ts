import type pg from 'pg';
import { ACCOUNTS_SCHEMA, INVITES_SCHEMA } from './schema/accounts.js';
import { EVENTS_SCHEMA } from './schema/events.js';
import { MESSAGES_SCHEMA } from './schema/messages.js';
import { ROLES_SCHEMA } from './schema/roles.js';
import { ROOMS_SCHEMA } from './schema/rooms.js';
import { FEATURE_SCHEMA_LIST } from './schema/features.js';
import { UNREAD_COUNTERS_SCHEMA } from './schema/unread-counters.js';

/*
 * PostgreSQL's schema, its own numbered list (SQLite's numbering is its own). Step 1 creates the whole schema
 * as SQLite's stands after all of its steps, translated table for table and column for column, so the
 * repositories translate query for query. Each feature's DDL lives in schema/<feature>.ts; the order below
 * matters for foreign keys (a table after those it references).
 *
 * The other feature repositories' schema files (schema/reactions.ts, conversations.ts (dm_rooms — group_admins
 * is in rooms.ts), room-settings.ts, files.ts, threads.ts, search.ts, blocks.ts, retention.ts,
 * account-security.ts, audit.ts, forum.ts, inbox.ts) join FEATURE_SCHEMAS when they land, after these.
 *
 * Never edit a shipped step; append a new one.
 */
export const CORE_SCHEMAS: readonly string[] = [EVENTS_SCHEMA, ACCOUNTS_SCHEMA, ROLES_SCHEMA, INVITES_SCHEMA, ROOMS_SCHEMA, MESSAGES_SCHEMA];

/** The other feature repositories' DDL (see above). */
export const FEATURE_SCHEMAS: readonly string[] = FEATURE_SCHEMA_LIST;

const MIGRATIONS: readonly string[] = [
  /* 1: the whole schema */ [...CORE_SCHEMAS, ...FEATURE_SCHEMAS].join('\n'),
  /*
   * 2: exact room unread counts from maintained counters (SQLite's step 22; schema/unread-counters.ts): a
   * per-room message sequence and, per reader, the sequence at the marker and what after it is theirs or
   * gone. A step of its own so a database made by step 1 is brought up to it (its backfill counts them).
   */
  UNREAD_COUNTERS_SCHEMA,
];

export const PG_SCHEMA_VERSION = MIGRATIONS.length;

/** Serialises migrations between nodes starting at once (an arbitrary, fixed advisory-lock key). */
const MIGRATION_LOCK = 0x6f64_0001;

/**
 * Bring the schema up to date, each step in its own transaction with its number recorded in
 * `schema_migrations`; a crash mid-step leaves the previous version. Nodes starting together take turns.
 */
export async function migrate(client: pg.ClientBase): Promise<number> {
  for (;;) {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      // Under the lock: two nodes creating it at once would collide in the catalogue.
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)');
      const r = await client.query<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations');
      const current = r.rows[0]?.v ?? 0;
      if (current > MIGRATIONS.length) {
        throw new Error(`database schema version ${current} is newer than this server (${MIGRATIONS.length})`);
      }
      if (current === MIGRATIONS.length) {
        await client.query('COMMIT');
        return current;
      }
      await client.query(MIGRATIONS[current]!);
      await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [current + 1, Date.now()]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  }
}
