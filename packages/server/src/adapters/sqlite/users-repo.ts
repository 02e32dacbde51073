import type { Db } from './db.js';
import { nameKey as nicknameKey } from '../../text/name-key.js';
import type { RemovalReason, UserRow, UsersRepository } from '../../features/accounts/repository.js';

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

/** SQLite implementation of the accounts feature's UsersRepository. */
export class SqliteUsersRepo implements UsersRepository {
  private readonly s;
  constructor(db: Db) {
    this.s = {
      insert: db.prepare(
        `INSERT INTO users (id, username, nickname, nickname_lc, color, password_hash, created_at)
         VALUES (?, ?, ?, ?, NULL, ?, ?)`,
      ),
      byId: db.prepare<[string], RawUser>('SELECT * FROM users WHERE id = ?'),
      byUsername: db.prepare<[string], RawUser>('SELECT * FROM users WHERE username = ?'),
      idByNickname: db.prepare<[string], { id: string }>('SELECT id FROM users WHERE nickname_lc = ?'),
      list: db.prepare<[], RawUser>('SELECT * FROM users WHERE removed = 0 ORDER BY created_at, id'),
      all: db.prepare<[], RawUser>('SELECT * FROM users ORDER BY created_at, id'),
      idsByNicknameKeys: db.prepare<[string], { id: string }>(
        'SELECT id FROM users WHERE removed = 0 AND nickname_lc IN (SELECT value FROM json_each(?))',
      ),
      setHighlights: db.prepare('UPDATE users SET highlights = ? WHERE id = ?'),
      clearHighlightWords: db.prepare('DELETE FROM highlight_words WHERE user_id = ?'),
      insertHighlightWord: db.prepare('INSERT OR IGNORE INTO highlight_words (user_id, word_key) VALUES (?, ?)'),
      idsByHighlightKeys: db.prepare<[string], { user_id: string }>(
        `SELECT DISTINCT h.user_id FROM highlight_words h JOIN users u ON u.id = h.user_id AND u.removed = 0
         WHERE h.word_key IN (SELECT value FROM json_each(?))`,
      ),
      removedAuthors: db.prepare<[], { author_id: string; room_id: string }>(
        // CROSS JOIN keeps users as the outer loop: SQLite would otherwise scan every message on each
        // `state` (63 ms at 100 000 messages) to find the few written by removed members.
        `SELECT DISTINCT m.author_id, m.room_id FROM users u CROSS JOIN messages m ON m.author_id = u.id AND m.deleted = 0
         WHERE u.removed = 1`,
      ),
      count: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM users'),
      setNickname: db.prepare('UPDATE users SET nickname = ?, nickname_lc = ? WHERE id = ?'),
      setColor: db.prepare('UPDATE users SET color = ? WHERE id = ?'),
      setStatusText: db.prepare('UPDATE users SET status_text = ? WHERE id = ?'),
      setPresenceMode: db.prepare('UPDATE users SET presence_mode = ? WHERE id = ?'),
      setPassword: db.prepare('UPDATE users SET password_hash = ? WHERE id = ?'),
      bumpTokenVersion: db.prepare('UPDATE users SET token_version = token_version + 1 WHERE id = ?'),
      setRemoved: db.prepare('UPDATE users SET removed = ?, removed_reason = ? WHERE id = ?'),
    };
  }

  insert(u: { id: string; username: string; nickname: string; passwordHash: string; createdAt: number }): void {
    this.s.insert.run(u.id, u.username, u.nickname, nicknameKey(u.nickname), u.passwordHash, u.createdAt);
  }
  byId(id: string): UserRow | null {
    const r = this.s.byId.get(id);
    return r ? toUser(r) : null;
  }
  byUsername(username: string): UserRow | null {
    const r = this.s.byUsername.get(username);
    return r ? toUser(r) : null;
  }
  /** Nickname lookup by uniqueness key (case, compatibility forms and look-alikes folded; removed users included). */
  idByNickname(nickname: string): string | null {
    return this.s.idByNickname.get(nicknameKey(nickname))?.id ?? null;
  }
  list(): UserRow[] {
    return this.s.list.all().map(toUser);
  }
  all(): UserRow[] {
    return this.s.all.all().map(toUser);
  }
  idsByNicknameKeys(keys: readonly string[]): string[] {
    if (keys.length === 0) return [];
    return this.s.idsByNicknameKeys.all(JSON.stringify(keys)).map((r) => r.id);
  }
  setHighlights(id: string, words: readonly string[], keys: readonly string[]): void {
    this.s.setHighlights.run(words.length ? JSON.stringify(words) : null, id);
    this.s.clearHighlightWords.run(id);
    for (const k of keys) this.s.insertHighlightWord.run(id, k);
  }
  idsByHighlightKeys(keys: readonly string[]): string[] {
    if (keys.length === 0) return [];
    return this.s.idsByHighlightKeys.all(JSON.stringify(keys)).map((r) => r.user_id);
  }
  removedAuthors(): Array<{ userId: string; roomId: string }> {
    return this.s.removedAuthors.all().map((r) => ({ userId: r.author_id, roomId: r.room_id }));
  }
  count(): number {
    return this.s.count.get()!.n;
  }
  setNickname(id: string, nickname: string): void {
    this.s.setNickname.run(nickname, nicknameKey(nickname), id);
  }
  setColor(id: string, color: string | null): void {
    this.s.setColor.run(color, id);
  }
  setStatusText(id: string, text: string | null): void {
    this.s.setStatusText.run(text, id);
  }
  setPresenceMode(id: string, mode: UserRow['presenceMode']): void {
    this.s.setPresenceMode.run(mode, id);
  }
  setPassword(id: string, hash: string): void {
    this.s.setPassword.run(hash, id);
  }
  bumpTokenVersion(id: string): void {
    this.s.bumpTokenVersion.run(id);
  }
  /** Mark a user removed (kicked or banned) or, with null, active again. */
  setRemoved(id: string, reason: RemovalReason | null): void {
    this.s.setRemoved.run(reason === null ? 0 : 1, reason, id);
  }
}
