import type { Check, DatabaseStats } from '../sqlite/operator-report.js';
import { num, type Sql } from './repo-sql.js';

/*
 * What `od-server stats` and `od-server doctor` read from a PostgreSQL community: the same figures and checks
 * as from a SQLite file (operator-report.ts there), where PostgreSQL has them. Read-only.
 */

/**
 * Counts for the operator, as SQLite's `databaseStats`. Bytes: the database's size; the write-ahead log's
 * only when the role may list it (pg_monitor), else 0; the data folder (uploads) is the caller's to measure.
 * `free` is 0: PostgreSQL reports no free space it could hand back (SQLite's free pages); the space VACUUM
 * frees inside its files is reused by later writes, and only VACUUM FULL shrinks them.
 */
export async function pgDatabaseStats(db: Sql, now: number): Promise<DatabaseStats> {
  const one = async <T>(sql: string, params: readonly unknown[] = []): Promise<T> => (await db.row<T>(sql, params))!;
  const users = await one<{ active: number; kicked: number; banned: number }>(
    `SELECT COALESCE(SUM((removed = 0)::int), 0) AS active,
            COALESCE(SUM((removed = 1 AND COALESCE(removed_reason, 'kicked') = 'kicked')::int), 0) AS kicked,
            COALESCE(SUM((removed = 1 AND removed_reason = 'banned')::int), 0) AS banned FROM users`,
  );
  const rooms = await one<{ text: number; forum: number; dm: number; group: number; deleted: number }>(
    `SELECT COALESCE(SUM((deleted = 0 AND kind = 'text')::int), 0) AS text, COALESCE(SUM((deleted = 0 AND kind = 'forum')::int), 0) AS forum,
            COALESCE(SUM((deleted = 0 AND kind = 'dm')::int), 0) AS dm,
            COALESCE(SUM((deleted = 0 AND kind = 'group')::int), 0) AS "group", COALESCE(SUM((deleted = 1)::int), 0) AS deleted FROM rooms`,
  );
  const messages = await one<{ live: number; deleted: number }>(
    'SELECT COALESCE(SUM((deleted = 0)::int), 0) AS live, COALESCE(SUM((deleted = 1)::int), 0) AS deleted FROM messages',
  );
  const posts = num((await one<{ n: number }>('SELECT COUNT(*) AS n FROM posts WHERE deleted = 0')).n);
  const head = num((await one<{ head: number | null }>('SELECT MAX(event_order) AS head FROM events')).head);
  // The newest 200 000 events only: a bounded read along the primary key, never a scan of a large log.
  const since = async (ms: number) =>
    num((await one<{ n: number }>('SELECT COUNT(*) AS n FROM events WHERE event_order > $1 AND created_at >= $2', [head - 200_000, now - ms])).n);
  const database = num((await one<{ n: number }>('SELECT pg_database_size(current_database()) AS n')).n);
  let wal = 0;
  try {
    wal = num((await one<{ n: number }>('SELECT COALESCE(SUM(size), 0) AS n FROM pg_ls_waldir()')).n);
  } catch {
    // Listing the WAL needs pg_monitor: not knowing its size is no fault of the community's.
  }
  const n = <T extends Record<string, unknown>>(r: T) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, num(v)])) as { [K in keyof T]: number };
  return {
    users: n(users),
    rooms: n(rooms),
    posts,
    messages: n(messages),
    events: { head, lastMinute: await since(60_000), lastHour: await since(3_600_000) },
    bytes: { database, wal, dataDir: 0, free: 0 },
    // Nothing hands freed space back to the file system bit by bit (SQLite's incremental mode): VACUUM FULL only.
    autoVacuum: 'none',
  };
}

/**
 * The database's own health, as SQLite's `databaseChecks`: page checksums (PostgreSQL verifies pages as it
 * reads them when they are on), foreign keys (PostgreSQL enforces them: only constraints left unvalidated
 * could hide a dangling row), the schema version, and gap-free event orders that end at the community's head
 * counter.
 */
export async function pgDatabaseChecks(db: Sql, schemaVersion: number): Promise<Check[]> {
  const checks: Check[] = [];
  const checksums = (await db.row<{ data_checksums: string }>('SHOW data_checksums'))?.data_checksums;
  checks.push(
    checksums === 'on'
      ? { level: 'ok', what: 'integrity', detail: 'data checksums on: PostgreSQL verifies every page it reads' }
      : { level: 'warn', what: 'integrity', detail: 'data checksums off: a damaged page is not detected (initdb --data-checksums, or pg_checksums --enable)' },
  );
  const unvalidated = num((await db.row<{ n: number }>("SELECT COUNT(*) AS n FROM pg_constraint WHERE contype = 'f' AND NOT convalidated"))?.n);
  checks.push(
    unvalidated === 0
      ? { level: 'ok', what: 'foreign keys', detail: 'enforced by PostgreSQL' }
      : { level: 'warn', what: 'foreign keys', detail: `${unvalidated} constraints were never validated (ALTER TABLE … VALIDATE CONSTRAINT)` },
  );
  let version = 0;
  try {
    version = num((await db.row<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations'))?.v);
  } catch {
    version = 0;
  }
  checks.push(
    version === schemaVersion
      ? { level: 'ok', what: 'schema', detail: `version ${version}` }
      : version < schemaVersion
        ? { level: 'warn', what: 'schema', detail: `version ${version}; this od-server brings it to ${schemaVersion} (od-server migrate, or its next start)` }
        : { level: 'fail', what: 'schema', detail: `version ${version} is newer than this od-server (${schemaVersion}): upgrade od-server` },
  );
  const ev = (await db.row<{ n: number; head: number; first: number; counter: number | null }>(
    `SELECT COUNT(*) AS n, COALESCE(MAX(event_order), 0) AS head, COALESCE(MIN(event_order), 1) AS first,
            (SELECT last_order FROM community_head WHERE id = 1) AS counter FROM events`,
  ))!;
  const [count, head, first, counter] = [num(ev.n), num(ev.head), num(ev.first), num(ev.counter)];
  checks.push(
    count === head && first === 1 && counter === head
      ? { level: 'ok', what: 'event log', detail: `${count} events, orders 1..${head} without a gap` }
      : count !== head || first !== 1
        ? { level: 'fail', what: 'event log', detail: `${count} events but head ${head}: orders have gaps (restore from a backup)` }
        : { level: 'fail', what: 'event log', detail: `the head counter says ${counter} but the log ends at ${head}: the next write would skip or repeat orders` },
  );
  return checks;
}
