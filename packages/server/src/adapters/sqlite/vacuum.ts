import fs from 'node:fs';
import path from 'node:path';
import { DB_FILE, openDatabase } from './db.js';

/** `PRAGMA auto_vacuum`'s values, by name. */
export const AUTO_VACUUM_MODES = ['none', 'full', 'incremental'] as const;
export type AutoVacuumMode = (typeof AUTO_VACUUM_MODES)[number];

export interface VacuumResult {
  /** The file's mode before; after a vacuum it is always incremental. */
  modeBefore: AutoVacuumMode;
  /** Bytes of the database file and its log, before and after. */
  bytesBefore: number;
  bytesAfter: number;
}

const bytesOf = (dataDir: string): number =>
  [DB_FILE, `${DB_FILE}-wal`].reduce((n, f) => {
    try {
      return n + fs.statSync(path.join(dataDir, f)).size;
    } catch {
      return n;
    }
  }, 0);

/**
 * Rewrite the database file compactly (`VACUUM`) in incremental auto-vacuum mode, so that from then on the
 * server's upkeep hands freed pages back by itself (a file made before that mode existed keeps its largest
 * size otherwise). The whole file is rewritten: it needs about as much free disk again, and it holds the
 * write lock throughout, so the operator runs it while the server is stopped. The log is folded back and
 * cut to nothing afterwards, so the old copies of the pages are gone too.
 */
export function vacuumDatabase(dataDir: string): VacuumResult {
  const bytesBefore = bytesOf(dataDir);
  const db = openDatabase(dataDir);
  try {
    const modeBefore = AUTO_VACUUM_MODES[db.pragma('auto_vacuum', { simple: true }) as number] ?? 'none';
    // Setting the mode of an existing file takes effect with the VACUUM that follows it.
    db.pragma('auto_vacuum = INCREMENTAL');
    db.exec('VACUUM');
    db.pragma('wal_checkpoint(TRUNCATE)');
    return { modeBefore, bytesBefore, bytesAfter: bytesOf(dataDir) };
  } finally {
    db.close();
  }
}
