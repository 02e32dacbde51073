import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { BUSY_TIMEOUT_MS, DB_FILE } from './db.js';
import { SCHEMA_VERSION } from './migrations.js';
import { AUTO_VACUUM_MODES, type AutoVacuumMode } from './vacuum.js';

/*
 * What the operator's `od-server stats` and `od-server doctor` read from the SQLite file. Both open it
 * READ-ONLY and never migrate or chmod: a health check must report a loose permission or an old schema,
 * not quietly fix it (opening for writing does both).
 */

export interface DatabaseStats {
  users: { active: number; kicked: number; banned: number };
  rooms: { text: number; forum: number; dm: number; group: number; deleted: number };
  /** Live forum posts (a post is a thread root on a board; its comments count as messages). */
  posts: number;
  messages: { live: number; deleted: number };
  events: { head: number; lastMinute: number; lastHour: number };
  bytes: { database: number; wal: number; dataDir: number; free: number };
  /** How freed pages come back: incremental (the server's upkeep does it), none (only `od-server vacuum`). */
  autoVacuum: AutoVacuumMode;
}

export function openReadOnly(dataDir: string): Database.Database {
  const file = path.join(dataDir, DB_FILE);
  if (!fs.existsSync(file)) {
    throw new Error(`no od-server database in ${path.resolve(dataDir)} (start the server first, or point --data-dir / OD_DATA_DIR at its data folder)`);
  }
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  return db;
}

const size = (file: string): number => {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
};

function folderBytes(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += folderBytes(p);
    else if (e.isFile()) total += size(p);
  }
  return total;
}

/**
 * Counts for the operator. The event rate looks only at the newest 200 000 events (a bounded read along the
 * primary key, never a scan of a large log).
 */
export function databaseStats(dataDir: string, now: number): DatabaseStats {
  const db = openReadOnly(dataDir);
  try {
    const one = <T>(sql: string, ...args: unknown[]): T => db.prepare(sql).get(...args) as T;
    const users = one<{ active: number; kicked: number; banned: number }>(
      `SELECT COALESCE(SUM(removed = 0), 0) AS active,
              COALESCE(SUM(removed = 1 AND COALESCE(removed_reason, 'kicked') = 'kicked'), 0) AS kicked,
              COALESCE(SUM(removed = 1 AND removed_reason = 'banned'), 0) AS banned FROM users`,
    );
    const rooms = one<{ text: number; forum: number; dm: number; group: number; deleted: number }>(
      `SELECT COALESCE(SUM(deleted = 0 AND kind = 'text'), 0) AS text, COALESCE(SUM(deleted = 0 AND kind = 'forum'), 0) AS forum,
              COALESCE(SUM(deleted = 0 AND kind = 'dm'), 0) AS dm,
              COALESCE(SUM(deleted = 0 AND kind = 'group'), 0) AS "group", COALESCE(SUM(deleted = 1), 0) AS deleted FROM rooms`,
    );
    const messages = one<{ live: number; deleted: number }>(
      'SELECT COALESCE(SUM(deleted = 0), 0) AS live, COALESCE(SUM(deleted = 1), 0) AS deleted FROM messages',
    );
    const posts = one<{ n: number }>('SELECT COUNT(*) AS n FROM posts WHERE deleted = 0').n;
    const head = one<{ head: number | null }>('SELECT MAX(event_order) AS head FROM events').head ?? 0;
    const since = (ms: number) =>
      one<{ n: number }>('SELECT COUNT(*) AS n FROM events WHERE event_order > ? AND created_at >= ?', head - 200_000, now - ms).n;
    const file = path.join(dataDir, DB_FILE);
    return {
      users,
      rooms,
      posts,
      messages,
      events: { head, lastMinute: since(60_000), lastHour: since(3_600_000) },
      bytes: {
        database: size(file),
        wal: size(`${file}-wal`),
        dataDir: folderBytes(dataDir),
        free: (db.pragma('freelist_count', { simple: true }) as number) * (db.pragma('page_size', { simple: true }) as number),
      },
      autoVacuum: AUTO_VACUUM_MODES[db.pragma('auto_vacuum', { simple: true }) as number] ?? 'none',
    };
  } finally {
    db.close();
  }
}

export type CheckLevel = 'ok' | 'warn' | 'fail';
export interface Check {
  level: CheckLevel;
  what: string;
  detail: string;
}

/** A WAL larger than this means checkpoints are not keeping up (or a reader holds one open for long). */
export const WAL_WARN_BYTES = 64 * 1024 * 1024;

/**
 * The database's own health: SQLite's integrity check (`quick_check`, or the slower `integrity_check` with
 * `full`), foreign keys, the schema version, gap-free event orders and the WAL's size.
 */
export function databaseChecks(dataDir: string, full: boolean): Check[] {
  const checks: Check[] = [];
  let db: Database.Database;
  try {
    db = openReadOnly(dataDir);
  } catch (error) {
    return [{ level: 'fail', what: 'database', detail: (error as Error).message }];
  }
  try {
    const pragma = full ? 'integrity_check' : 'quick_check';
    const rows = db.pragma(pragma) as Array<Record<string, string>>;
    const problems = rows.map((r) => Object.values(r)[0]).filter((v) => v !== 'ok');
    checks.push(
      problems.length === 0
        ? { level: 'ok', what: 'integrity', detail: `${pragma}: ok` }
        : { level: 'fail', what: 'integrity', detail: `${pragma}: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (+${problems.length - 5} more)` : ''}` },
    );
    const fk = db.pragma('foreign_key_check') as unknown[];
    checks.push(
      fk.length === 0
        ? { level: 'ok', what: 'foreign keys', detail: 'every reference resolves' }
        : { level: 'fail', what: 'foreign keys', detail: `${fk.length} rows point at missing rows` },
    );
    const version = db.pragma('user_version', { simple: true }) as number;
    checks.push(
      version === SCHEMA_VERSION
        ? { level: 'ok', what: 'schema', detail: `version ${version}` }
        : version < SCHEMA_VERSION
          ? { level: 'warn', what: 'schema', detail: `version ${version}; this od-server brings it to ${SCHEMA_VERSION} on its next start` }
          : { level: 'fail', what: 'schema', detail: `version ${version} is newer than this od-server (${SCHEMA_VERSION}): upgrade od-server` },
    );
    const ev = db.prepare('SELECT COUNT(*) AS n, COALESCE(MAX(event_order), 0) AS head, COALESCE(MIN(event_order), 1) AS first FROM events').get() as {
      n: number;
      head: number;
      first: number;
    };
    checks.push(
      ev.n === ev.head && ev.first === 1
        ? { level: 'ok', what: 'event log', detail: `${ev.n} events, orders 1..${ev.head} without a gap` }
        : { level: 'fail', what: 'event log', detail: `${ev.n} events but head ${ev.head}: orders have gaps (restore from a backup)` },
    );
  } finally {
    db.close();
  }
  const wal = size(path.join(dataDir, `${DB_FILE}-wal`));
  checks.push(
    wal <= WAL_WARN_BYTES
      ? { level: 'ok', what: 'WAL', detail: `${mb(wal)}` }
      : { level: 'warn', what: 'WAL', detail: `${mb(wal)}: checkpoints are not keeping up; a long-running reader (a backup?) may hold it` },
  );
  return checks;
}

export const mb = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
