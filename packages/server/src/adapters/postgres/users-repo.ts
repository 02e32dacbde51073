import { nameKey as nicknameKey } from '../../text/name-key.js';
import type { RemovalReason, UserRow, UsersRepository } from '../../features/accounts/repository.js';
import type { PgDb } from './db.js';

interface RawUser {
  id: string;
  username: string;
  nickname: string;
  color: string | null;
  password_hash: string;
  token_version: number;
  removed: number;
  removed_reason: string | null;
  highlights: string | null;
  status_text: string | null;
  presence_mode: string;
  created_at: number;
}

const toUser = (r: RawUser): UserRow => ({
  id: r.id,
  username: r.username,
  nickname: r.nickname,
  color: r.color,
  passwordHash: r.password_hash,
  tokenVersion: r.token_version,
  removed: r.removed !== 0,
  removedReason: r.removed !== 0 ? ((r.removed_reason ?? 'kicked') as RemovalReason) : null,
  highlights: r.highlights ? (JSON.parse(r.highlights) as string[]) : [],
  statusText: r.status_text,
  presenceMode: r.presence_mode as UserRow['presenceMode'],
  createdAt: r.created_at,
});

/** PostgreSQL implementation of the accounts feature's UsersRepository (query for query SQLite's). */
export class PgUsersRepo implements UsersRepository {
  constructor(private readonly db: PgDb) {}

  async insert(u: { id: string; username: string; nickname: string; passwordHash: string; createdAt: number }): Promise<void> {
    await this.db.run(
      `INSERT INTO users (id, username, nickname, nickname_lc, color, password_hash, created_at) VALUES ($1, $2, $3, $4, NULL, $5, $6)`,
      [u.id, u.username, u.nickname, nicknameKey(u.nickname), u.passwordHash, u.createdAt],
    );
  }
  async byId(id: string): Promise<UserRow | null> {
    const r = await this.db.row<RawUser>('SELECT * FROM users WHERE id = $1', [id]);
    return r ? toUser(r) : null;
  }
  async byUsername(username: string): Promise<UserRow | null> {
    const r = await this.db.row<RawUser>('SELECT * FROM users WHERE username = $1', [username]);
    return r ? toUser(r) : null;
  }
  async idByNickname(nickname: string): Promise<string | null> {
    return (await this.db.row<{ id: string }>('SELECT id FROM users WHERE nickname_lc = $1', [nicknameKey(nickname)]))?.id ?? null;
  }
  async list(): Promise<UserRow[]> {
    return (await this.db.rows<RawUser>('SELECT * FROM users WHERE removed = 0 ORDER BY created_at, id')).map(toUser);
  }
  async all(): Promise<UserRow[]> {
    return (await this.db.rows<RawUser>('SELECT * FROM users ORDER BY created_at, id')).map(toUser);
  }
  async idsByNicknameKeys(keys: readonly string[]): Promise<string[]> {
    if (keys.length === 0) return [];
    const rows = await this.db.rows<{ id: string }>('SELECT id FROM users WHERE removed = 0 AND nickname_lc = ANY($1::text[])', [keys]);
    return rows.map((r) => r.id);
  }
  async setHighlights(id: string, words: readonly string[], keys: readonly string[]): Promise<void> {
    await this.db.run('UPDATE users SET highlights = $1 WHERE id = $2', [words.length ? JSON.stringify(words) : null, id]);
    await this.db.run('DELETE FROM highlight_words WHERE user_id = $1', [id]);
    if (keys.length) {
      await this.db.run(
        'INSERT INTO highlight_words (user_id, word_key) SELECT $1, k FROM unnest($2::text[]) AS k ON CONFLICT DO NOTHING',
        [id, keys],
      );
    }
  }
  async idsByHighlightKeys(keys: readonly string[]): Promise<string[]> {
    if (keys.length === 0) return [];
    const rows = await this.db.rows<{ user_id: string }>(
      `SELECT DISTINCT h.user_id FROM highlight_words h JOIN users u ON u.id = h.user_id AND u.removed = 0
       WHERE h.word_key = ANY($1::text[])`,
      [keys],
    );
    return rows.map((r) => r.user_id);
  }
  async removedAuthors(): Promise<Array<{ userId: string; roomId: string }>> {
    const rows = await this.db.rows<{ author_id: string; room_id: string }>(
      `SELECT DISTINCT m.author_id, m.room_id FROM users u JOIN messages m ON m.author_id = u.id AND m.deleted = 0
       WHERE u.removed = 1`,
    );
    return rows.map((r) => ({ userId: r.author_id, roomId: r.room_id }));
  }
  async count(): Promise<number> {
    return (await this.db.row<{ n: number }>('SELECT COUNT(*) AS n FROM users'))!.n;
  }
  async setNickname(id: string, nickname: string): Promise<void> {
    await this.db.run('UPDATE users SET nickname = $1, nickname_lc = $2 WHERE id = $3', [nickname, nicknameKey(nickname), id]);
  }
  async setColor(id: string, color: string | null): Promise<void> {
    await this.db.run('UPDATE users SET color = $1 WHERE id = $2', [color, id]);
  }
  async setStatusText(id: string, text: string | null): Promise<void> {
    await this.db.run('UPDATE users SET status_text = $1 WHERE id = $2', [text, id]);
  }
  async setPresenceMode(id: string, mode: UserRow['presenceMode']): Promise<void> {
    await this.db.run('UPDATE users SET presence_mode = $1 WHERE id = $2', [mode, id]);
  }
  async setPassword(id: string, hash: string): Promise<void> {
    await this.db.run('UPDATE users SET password_hash = $1 WHERE id = $2', [hash, id]);
  }
  async bumpTokenVersion(id: string): Promise<void> {
    await this.db.run('UPDATE users SET token_version = token_version + 1 WHERE id = $1', [id]);
  }
  async setRemoved(id: string, reason: RemovalReason | null): Promise<void> {
    await this.db.run('UPDATE users SET removed = $1, removed_reason = $2 WHERE id = $3', [reason === null ? 0 : 1, reason, id]);
  }
}
