import type { NotifyDefaults, NotifyLevel, RoomSettings } from '@open-discord/protocol';
import type { RoomSettingsRepository } from '../../features/room-settings/repository.js';
import type { Db } from './db.js';

interface RawSettings {
  room_id: string;
  muted: number;
  level: string | null;
  local_name: string | null;
}

const toSettings = (r: RawSettings): RoomSettings => ({
  roomId: r.room_id,
  muted: r.muted !== 0,
  level: r.level as NotifyLevel | null,
  localName: r.local_name,
});

/** SQLite implementation of the room-settings feature's repository (room_settings, notify_defaults). */
export class SqliteRoomSettingsRepo implements RoomSettingsRepository {
  private readonly s;
  constructor(db: Db) {
    this.s = {
      get: db.prepare<[string, string], RawSettings>(
        'SELECT room_id, muted, level, local_name FROM room_settings WHERE user_id = ? AND room_id = ?',
      ),
      ofUser: db.prepare<[string], RawSettings>(
        'SELECT room_id, muted, level, local_name FROM room_settings WHERE user_id = ? ORDER BY room_id',
      ),
      set: db.prepare(
        `INSERT INTO room_settings (user_id, room_id, muted, level, local_name) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (user_id, room_id) DO UPDATE SET muted = excluded.muted, level = excluded.level, local_name = excluded.local_name`,
      ),
      defaults: db.prepare<[string], { rooms: string; chats: string }>('SELECT rooms, chats FROM notify_defaults WHERE user_id = ?'),
      setDefaults: db.prepare(
        `INSERT INTO notify_defaults (user_id, rooms, chats) VALUES (?, ?, ?)
         ON CONFLICT (user_id) DO UPDATE SET rooms = excluded.rooms, chats = excluded.chats`,
      ),
    };
  }

  get(userId: string, roomId: string): RoomSettings | null {
    const r = this.s.get.get(userId, roomId);
    return r ? toSettings(r) : null;
  }
  ofUser(userId: string): RoomSettings[] {
    return this.s.ofUser.all(userId).map(toSettings);
  }
  set(userId: string, settings: RoomSettings): void {
    this.s.set.run(userId, settings.roomId, settings.muted ? 1 : 0, settings.level, settings.localName);
  }
  defaults(userId: string): NotifyDefaults | null {
    const r = this.s.defaults.get(userId);
    return r ? { rooms: r.rooms as NotifyLevel, chats: r.chats as NotifyLevel } : null;
  }
  setDefaults(userId: string, defaults: NotifyDefaults): void {
    this.s.setDefaults.run(userId, defaults.rooms, defaults.chats);
  }
}
