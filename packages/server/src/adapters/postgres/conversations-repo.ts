import type { ConversationsRepository } from '../../features/conversations/repository.js';
import type { Sql } from './repo-sql.js';

/** PostgreSQL implementation of the conversations feature's ConversationsRepository (dm_rooms, group_admins). */
export class PgConversationsRepo implements ConversationsRepository {
  constructor(private readonly db: Sql) {}

  async dmRoom(key: string): Promise<string | null> {
    return (await this.db.row<{ room_id: string }>('SELECT room_id FROM dm_rooms WHERE member_key = $1', [key]))?.room_id ?? null;
  }
  async setDmRoom(key: string, roomId: string): Promise<void> {
    await this.db.run(
      'INSERT INTO dm_rooms (member_key, room_id) VALUES ($1, $2) ON CONFLICT (member_key) DO UPDATE SET room_id = excluded.room_id',
      [key, roomId],
    );
  }
  async admins(roomId: string): Promise<string[]> {
    return (await this.db.rows<{ user_id: string }>('SELECT user_id FROM group_admins WHERE room_id = $1 ORDER BY user_id', [roomId])).map((r) => r.user_id);
  }
  async setAdmin(roomId: string, userId: string, admin: boolean): Promise<void> {
    if (admin) await this.db.run('INSERT INTO group_admins (room_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [roomId, userId]);
    else await this.db.run('DELETE FROM group_admins WHERE room_id = $1 AND user_id = $2', [roomId, userId]);
  }
  async setOwner(roomId: string, userId: string): Promise<void> {
    await this.db.run("UPDATE rooms SET created_by = $1 WHERE id = $2 AND kind = 'group'", [userId, roomId]);
  }
  async successor(roomId: string): Promise<string | null> {
    // room_join_order.seq grows as members are added (SQLite: room_members' rowid): the smallest joined first.
    const r = await this.db.row<{ user_id: string }>(
      `SELECT m.user_id FROM room_members m
         JOIN room_join_order j ON j.room_id = m.room_id AND j.user_id = m.user_id
         LEFT JOIN group_admins a ON a.room_id = m.room_id AND a.user_id = m.user_id
       WHERE m.room_id = $1 ORDER BY a.user_id IS NULL, j.seq LIMIT 1`,
      [roomId],
    );
    return r?.user_id ?? null;
  }
}
