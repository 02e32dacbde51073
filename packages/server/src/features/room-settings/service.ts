import { DEFAULT_NOTIFY, type NotifyDefaults, type ParsedParams, type RoomSettings } from '@open-discord/protocol';
import type { ServiceDeps } from '../../core/deps.js';
import { roomNotFound } from '../rooms/errors.js';

/** What a room's settings are before its user changes any. */
export const defaultRoomSettings = (roomId: string): RoomSettings => ({ roomId, muted: false, level: null, localName: null });

/**
 * Each user's own settings for a room (mute, notification level, a local name) and their notification
 * defaults. Private: the events go to their user only (every device of theirs), and change nothing anyone
 * else sees: unread counts stay exact, the level only decides what the client shows and rings for.
 */
export class RoomSettingsService {
  constructor(private readonly d: ServiceDeps) {}

  /** Change one's settings for a room one sees; fields left out keep their value. A no-op writes nothing. */
  set(userId: string, p: ParsedParams<'room.settings'>): Promise<{ settings: RoomSettings }> {
    const { store } = this.d;
    return this.d.queue.submit(async (w) => {
      if (!(await this.d.access.view()).canSeeRoom(userId, p.roomId)) throw roomNotFound();
      const cur = (await store.roomSettings.get(userId, p.roomId)) ?? defaultRoomSettings(p.roomId);
      const next: RoomSettings = {
        roomId: p.roomId,
        muted: p.muted ?? cur.muted,
        level: p.level === undefined ? cur.level : p.level,
        localName: p.localName === undefined ? cur.localName : p.localName,
      };
      if (next.muted === cur.muted && next.level === cur.level && next.localName === cur.localName) return { settings: cur };
      await store.roomSettings.set(userId, next);
      w.emit({ type: 'room.settings.changed', roomId: p.roomId, actorId: userId, targetUserId: userId }, { settings: next });
      return { settings: next };
    });
  }

  setDefaults(userId: string, p: ParsedParams<'notify.defaults'>): Promise<{ defaults: NotifyDefaults }> {
    const { store } = this.d;
    return this.d.queue.submit(async (w) => {
      const cur = (await store.roomSettings.defaults(userId)) ?? DEFAULT_NOTIFY;
      const defaults: NotifyDefaults = { rooms: p.rooms ?? cur.rooms, chats: p.chats ?? cur.chats };
      if (defaults.rooms === cur.rooms && defaults.chats === cur.chats) return { defaults: cur };
      await store.roomSettings.setDefaults(userId, defaults);
      w.emit({ type: 'notify.defaults.changed', roomId: null, actorId: userId, targetUserId: userId }, { defaults });
      return { defaults };
    });
  }
}
