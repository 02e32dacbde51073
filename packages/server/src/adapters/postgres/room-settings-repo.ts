import type { NotifyDefaults, NotifyLevel, RoomSettings } from '@open-discord/protocol';
import type { RoomSettingsRepository } from '../../features/room-settings/repository.js';
import type { Sql } from './repo-sql.js';

interface RawSettings {
  room_id: string;
  muted: number;
  level: string | null;
  local_name: string | null;
}

const toSettings = (r: RawSettings): RoomSettings => ({
  roomId: r.room_id,
  muted: Number(r.muted) !== 0,
  level: r.level as NotifyLevel | null,
  localName: r.local_name,
});

/** PostgreSQL implementation of the room-settings feature's repository (room_settings, notify_defaults). */
export class PgRoomSettingsRepo implements RoomSettingsRepository {
  constructor(private readonly db: Sql) {}

  async get(userId: string, roomId: string): Promise<RoomSettings | null> {
    const r = await this.db.row<RawSettings>('SELECT room_id, muted, level, local_name FROM room_settings WHERE user_id = $1 AND room_id = $2', [userId, roomId]);
    return r ? toSettings(r) : null;
  }
  async ofUser(userId: string): Promise<RoomSettings[]> {
    return (await this.db.rows<RawSettings>('SELECT room_id, muted, level, local_name FROM room_settings WHERE user_id = $1 ORDER BY room_id', [userId])).map(toSettings);
  }
  async set(userId: string, s: RoomSettings): Promise<void> {
    await this.db.run(
      `INSERT INTO room_settings (user_id, room_id, muted, level, local_name) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_id, room_id) DO UPDATE SET muted = excluded.muted, level = excluded.level, local_name = excluded.local_name`,
      [userId, s.roomId, s.muted ? 1 : 0, s.level, s.localName],
    );
  }
  async defaults(userId: string): Promise<NotifyDefaults | null> {
    const r = await this.db.row<{ rooms: string; chats: string }>('SELECT rooms, chats FROM notify_defaults WHERE user_id = $1', [userId]);
    return r ? { rooms: r.rooms as NotifyLevel, chats: r.chats as NotifyLevel } : null;
  }
  async setDefaults(userId: string, d: NotifyDefaults): Promise<void> {
    await this.db.run(
      `INSERT INTO notify_defaults (user_id, rooms, chats) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO UPDATE SET rooms = excluded.rooms, chats = excluded.chats`,
      [userId, d.rooms, d.chats],
    );
  }
}
