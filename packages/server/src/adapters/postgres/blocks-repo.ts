import type { BlocksRepository } from '../../features/blocks/repository.js';
import type { Sql } from './repo-sql.js';

/** PostgreSQL implementation of the blocks feature's BlocksRepository (user_blocks). */
export class PgBlocksRepo implements BlocksRepository {
  constructor(private readonly db: Sql) {}

  async list(userId: string): Promise<string[]> {
    return (await this.db.rows<{ blocked_id: string }>('SELECT blocked_id FROM user_blocks WHERE user_id = $1 ORDER BY created_at, blocked_id', [userId])).map(
      (r) => r.blocked_id,
    );
  }
  async set(userId: string, blockedId: string, blocked: boolean, at: number): Promise<boolean> {
    const n = blocked
      ? await this.db.run('INSERT INTO user_blocks (user_id, blocked_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [userId, blockedId, at])
      : await this.db.run('DELETE FROM user_blocks WHERE user_id = $1 AND blocked_id = $2', [userId, blockedId]);
    return n > 0;
  }
  async blocks(userId: string, otherId: string): Promise<boolean> {
    return (await this.db.row('SELECT 1 AS one FROM user_blocks WHERE user_id = $1 AND blocked_id = $2', [userId, otherId])) !== null;
  }
}
