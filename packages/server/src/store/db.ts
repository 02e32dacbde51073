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
  const db = new Database(path.join(dataDir, DB_FILE), { readonly: opts.readonly ?? false });
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  if (!opts.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${opts.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    db.pragma('foreign_keys = ON');
    // Checkpoints run deliberately off the hot path (the commit queue, after replies); the automatic
    // threshold (8 MiB of 4 KiB pages) is only a backstop, and journal_size_limit shrinks the file back
    // after a burst, so the WAL stays bounded.
    db.pragma('wal_autocheckpoint = 2000');
    db.pragma(`journal_size_limit = ${16 * 1024 * 1024}`);
    migrate(db);
  }
  return db;
}
