import type { AppPasswordRepository, AppPasswordRow } from '../../features/account-security/app-password-repository.js';
import type { Sql } from './repo-sql.js';

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
  createdAt: Number(r.created_at),
  lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at),
  lastAddress: r.last_address,
});

/** PostgreSQL implementation of app passwords' storage (app_passwords: schema/app-passwords.ts). */
export class PgAppPasswordsRepo implements AppPasswordRepository {
  constructor(private readonly db: Sql) {}

  async insert(r: Omit<AppPasswordRow, 'lastUsedAt' | 'lastAddress'>): Promise<void> {
    await this.db.run('INSERT INTO app_passwords (id, user_id, name, secret_hash, created_at) VALUES ($1, $2, $3, $4, $5)', [
      r.id,
      r.userId,
      r.name,
      r.secretHash,
      r.createdAt,
    ]);
  }
  async list(userId: string): Promise<AppPasswordRow[]> {
    return (await this.db.rows<Row>('SELECT * FROM app_passwords WHERE user_id = $1 ORDER BY created_at, id', [userId])).map(toRow);
  }
  async byHash(secretHash: string): Promise<AppPasswordRow | null> {
    const r = await this.db.row<Row>('SELECT * FROM app_passwords WHERE secret_hash = $1', [secretHash]);
    return r ? toRow(r) : null;
  }
  async remove(userId: string, id: string): Promise<boolean> {
    return (await this.db.run('DELETE FROM app_passwords WHERE user_id = $1 AND id = $2', [userId, id])) > 0;
  }
  async removeAll(userId: string): Promise<string[]> {
    // One statement; answered oldest first, the order SQLite reads them in (its user_id, created_at index).
    const rows = await this.db.rows<{ id: string; created_at: number }>(
      'DELETE FROM app_passwords WHERE user_id = $1 RETURNING id, created_at',
      [userId],
    );
    return rows
      .sort((a, b) => Number(a.created_at) - Number(b.created_at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((r) => r.id);
  }
  async touch(id: string, now: number, address: string): Promise<void> {
    await this.db.run('UPDATE app_passwords SET last_used_at = $1, last_address = $2 WHERE id = $3', [now, address, id]);
  }
}
