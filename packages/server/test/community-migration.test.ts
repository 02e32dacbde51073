import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStorage as Store } from '../src/adapters/sqlite/storage.js';
import { tempDir, undoMigration4, undoMigration5, undoMigration9 } from './helpers.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true });
});

describe('migration 2', () => {
  it('re-keys nicknames with NFKC case folding, renaming later look-alikes, and keeps removed users kicked', () => {
    const dir = tempDir();
    dirs.push(dir);
    // Build a version-1 database: open once (runs every migration), then roll the schema back to v1 by hand.
    Store.open(dir).close();
    const db = new Database(path.join(dir, 'od.sqlite'));
    undoMigration9(db);
    undoMigration5(db);
    undoMigration4(db);
    db.exec('ALTER TABLE users DROP COLUMN removed_reason');
    db.pragma('user_version = 1');
    const add = db.prepare(
      `INSERT INTO users (id, username, nickname, nickname_lc, color, password_hash, removed, created_at)
       VALUES (?, ?, ?, ?, NULL, 'x', ?, ?)`,
    );
    add.run('u1', 'one', 'Straße', 'straße', 0, 1);
    add.run('u2', 'two', 'STRASSE', 'strasse', 1, 2); // collided only under the new rule
    add.run('u3', 'three', 'ＢＯＢ', 'ｂｏｂ', 0, 3);
    db.close();

    const store = Store.open(dir);
    try {
      expect(store.users.byId('u1')!.nickname).toBe('Straße');
      expect(store.users.byId('u2')!.nickname).toBe('STRASSE2');
      expect(store.users.byId('u2')!.removedReason).toBe('kicked');
      expect(store.users.byId('u1')!.removedReason).toBeNull();
      expect(store.users.idByNickname('strasse')).toBe('u1');
      expect(store.users.idByNickname('bob')).toBe('u3');
    } finally {
      store.close();
    }
  });
});
