import type { ConversationsRepository } from '../../features/conversations/repository.js';
import type { Db } from './db.js';

/** SQLite implementation of the conversations feature's ConversationsRepository (the dm_rooms table). */
export class SqliteConversationsRepo implements ConversationsRepository {
  private readonly s;
  constructor(db: Db) {
    this.s = {
      dmRoom: db.prepare<[string], { room_id: string }>('SELECT room_id FROM dm_rooms WHERE member_key = ?'),
      setDmRoom: db.prepare('INSERT INTO dm_rooms (member_key, room_id) VALUES (?, ?)'),
    };
  }

  dmRoom(key: string): string | null {
    return this.s.dmRoom.get(key)?.room_id ?? null;
  }
  setDmRoom(key: string, roomId: string): void {
    this.s.setDmRoom.run(key, roomId);
  }
}
