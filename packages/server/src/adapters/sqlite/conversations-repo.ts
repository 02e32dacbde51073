import type { ConversationsRepository } from '../../features/conversations/repository.js';
import type { Db } from './db.js';

/** SQLite implementation of the conversations feature's ConversationsRepository (dm_rooms, group_admins). */
export class SqliteConversationsRepo implements ConversationsRepository {
  private readonly s;
  constructor(db: Db) {
    this.s = {
      dmRoom: db.prepare<[string], { room_id: string }>('SELECT room_id FROM dm_rooms WHERE member_key = ?'),
      setDmRoom: db.prepare('INSERT INTO dm_rooms (member_key, room_id) VALUES (?, ?) ON CONFLICT (member_key) DO UPDATE SET room_id = excluded.room_id'),
      admins: db.prepare<[string], { user_id: string }>('SELECT user_id FROM group_admins WHERE room_id = ? ORDER BY user_id'),
      addAdmin: db.prepare('INSERT OR IGNORE INTO group_admins (room_id, user_id) VALUES (?, ?)'),
      removeAdmin: db.prepare('DELETE FROM group_admins WHERE room_id = ? AND user_id = ?'),
      setOwner: db.prepare("UPDATE rooms SET created_by = ? WHERE id = ? AND kind = 'group'"),
      // room_members' rowid grows as members are added: the smallest is the member who joined first.
      successor: db.prepare<[string], { user_id: string }>(
        `SELECT m.user_id FROM room_members m LEFT JOIN group_admins a ON a.room_id = m.room_id AND a.user_id = m.user_id
         WHERE m.room_id = ? ORDER BY a.user_id IS NULL, m.rowid LIMIT 1`,
      ),
    };
  }

  dmRoom(key: string): string | null {
    return this.s.dmRoom.get(key)?.room_id ?? null;
  }
  setDmRoom(key: string, roomId: string): void {
    this.s.setDmRoom.run(key, roomId);
  }
  admins(roomId: string): string[] {
    return this.s.admins.all(roomId).map((r) => r.user_id);
  }
  setAdmin(roomId: string, userId: string, admin: boolean): void {
    (admin ? this.s.addAdmin : this.s.removeAdmin).run(roomId, userId);
  }
  setOwner(roomId: string, userId: string): void {
    this.s.setOwner.run(userId, roomId);
  }
  successor(roomId: string): string | null {
    return this.s.successor.get(roomId)?.user_id ?? null;
  }
}
