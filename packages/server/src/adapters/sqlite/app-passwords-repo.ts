import type { AppPasswordRepository, AppPasswordRow } from '../../features/account-security/app-password-repository.js';
import type { Db } from './db.js';

interface Row {
  id: string;
  user_id: string;
  name: string;
  secret_hash: string;
  created_at: number;
  last_used_at: number | null;
  last_address: string;
}

const toRow = (r: Row): AppPasswordRow => ({
  id: r.id,
  userId: r.user_id,
  name: r.name,
  secretHash: r.secret_hash,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  lastAddress: r.last_address,
});

/** SQLite implementation of app passwords' storage (app_passwords, migration 19). */
export class SqliteAppPasswordsRepo implements AppPasswordRepository {
  private readonly s;
  constructor(db: Db) {
    this.s = {
      insert: db.prepare('INSERT INTO app_passwords (id, user_id, name, secret_hash, created_at) VALUES (?, ?, ?, ?, ?)'),
      list: db.prepare<[string], Row>('SELECT * FROM app_passwords WHERE user_id = ? ORDER BY created_at, id'),
      byHash: db.prepare<[string], Row>('SELECT * FROM app_passwords WHERE secret_hash = ?'),
      remove: db.prepare('DELETE FROM app_passwords WHERE user_id = ? AND id = ?'),
      ids: db.prepare<[string], { id: string }>('SELECT id FROM app_passwords WHERE user_id = ?'),
      removeAll: db.prepare('DELETE FROM app_passwords WHERE user_id = ?'),
      touch: db.prepare('UPDATE app_passwords SET last_used_at = ?, last_address = ? WHERE id = ?'),
    };
  }
  insert(r: Omit<AppPasswordRow, 'lastUsedAt' | 'lastAddress'>): void {
    this.s.insert.run(r.id, r.userId, r.name, r.secretHash, r.createdAt);
  }
  list(userId: string): AppPasswordRow[] {
    return this.s.list.all(userId).map(toRow);
  }
  byHash(secretHash: string): AppPasswordRow | null {
    const r = this.s.byHash.get(secretHash);
    return r ? toRow(r) : null;
  }
  remove(userId: string, id: string): boolean {
    return this.s.remove.run(userId, id).changes > 0;
  }
  removeAll(userId: string): string[] {
    const ids = this.s.ids.all(userId).map((r) => r.id);
    this.s.removeAll.run(userId);
    return ids;
  }
  touch(id: string, now: number, address: string): void {
    this.s.touch.run(now, address, id);
  }
}
