import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrations.js';

export type Db = Database.Database;
export type Synchronous = 'full' | 'normal';

export const DB_FILE = 'od.sqlite';

/** How long a statement waits for another process's lock before failing with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000;

/**
 * Open (creating if needed) the server's one SQLite file and bring its schema up to date.
 * WAL lets the CLI (backup, invites) work while the server runs; busy_timeout makes those brief
 * writer collisions wait instead of failing.
 */
export function openDatabase(dataDir: string, opts: { synchronous?: Synchronous; readonly?: boolean } = {}): Db {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, DB_FILE);
  if (!opts.readonly) ownerOnly(dataDir, file);
  const db = new Database(file, { readonly: opts.readonly ?? false });
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  if (!opts.readonly) {
    // A new file hands the pages freed by deletions back a few at a time (the retention sweep's upkeep),
    // instead of keeping its largest size for ever; this can only be chosen before the first table exists
    // (`od-server vacuum` converts an older file, which needs a full VACUUM).
    if ((db.pragma('page_count', { simple: true }) as number) === 0) db.pragma('auto_vacuum = INCREMENTAL');
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${opts.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    db.pragma('foreign_keys = ON');
    // Deleted rows (expired by retention, deleted by their authors) are overwritten with zeros, not left in
    // free space where a copy of the file could still show them.
    db.pragma('secure_delete = ON');
    // Checkpoints run deliberately off the hot path (the commit queue, after replies); the automatic
    // threshold (8 MiB of 4 KiB pages) is only a backstop, and journal_size_limit shrinks the file back
    // after a burst, so the WAL stays bounded.
    db.pragma('wal_autocheckpoint = 2000');
    db.pragma(`journal_size_limit = ${16 * 1024 * 1024}`);
    registerFunctions(db);
    migrate(db);
    // The -wal and -shm files now exist; ones left by an older version may be readable by others.
    for (const f of [`${file}-wal`, `${file}-shm`]) chmodIfPresent(f, 0o600);
  }
  return db;
}

/**
 * The data folder holds every message, the password hashes and the signing secret: only its owner may
 * read it. mkdirSync's mode applies only when it creates the folder, so a folder made beforehand (by hand,
 * by a package) is restricted here on every start. The database file is created 0600 before SQLite opens
 * it, because SQLite creates its -wal and -shm files with the database file's permissions.
 */
function ownerOnly(dataDir: string, file: string): void {
  fs.chmodSync(dataDir, 0o700);
  fs.closeSync(fs.openSync(file, 'a', 0o600)); // an empty file is a new database to SQLite
  fs.chmodSync(file, 0o600);
}

/** Scripts written without spaces between words: only their text needs the trigram index (see search-repo). */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/** SQL functions the schema's statements use. */
function registerFunctions(db: Db): void {
  db.function('has_unspaced', { deterministic: true }, (text: unknown) => (typeof text === 'string' && UNSPACED.test(text) ? 1 : 0));
}

function chmodIfPresent(file: string, mode: number): void {
  try {
    fs.chmodSync(file, mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
