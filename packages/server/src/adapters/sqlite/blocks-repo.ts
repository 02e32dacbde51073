import type { BlocksRepository } from '../../features/blocks/repository.js';
import type { Db } from './db.js';

/** SQLite implementation of the blocks feature's BlocksRepository (user_blocks). */
export class SqliteBlocksRepo implements BlocksRepository {
  private readonly s;
  constructor(db: Db) {
    this.s = {
      list: db.prepare<[string], { blocked_id: string }>('SELECT blocked_id FROM user_blocks WHERE user_id = ? ORDER BY created_at, blocked_id'),
      add: db.prepare('INSERT OR IGNORE INTO user_blocks (user_id, blocked_id, created_at) VALUES (?, ?, ?)'),
      remove: db.prepare('DELETE FROM user_blocks WHERE user_id = ? AND blocked_id = ?'),
      blocks: db.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM user_blocks WHERE user_id = ? AND blocked_id = ?'),
    };
  }

  list(userId: string): string[] {
    return this.s.list.all(userId).map((r) => r.blocked_id);
  }
  set(userId: string, blockedId: string, blocked: boolean, at: number): boolean {
    return (blocked ? this.s.add.run(userId, blockedId, at) : this.s.remove.run(userId, blockedId)).changes > 0;
  }
  blocks(userId: string, otherId: string): boolean {
    return this.s.blocks.get(userId, otherId) !== undefined;
  }
}
