import type { NotifyDefaults, RoomSettings } from '@open-discord/protocol';
import type { Awaitable } from '../../ports/awaitable.js';

/** Each user's own room settings and notification defaults: the room-settings feature's storage. */
export interface RoomSettingsRepository {
  /** null: the user never changed this room's settings. */
  get(userId: string, roomId: string): Awaitable<RoomSettings | null>;
  ofUser(userId: string): Awaitable<RoomSettings[]>;
  set(userId: string, settings: RoomSettings): Awaitable<void>;
  /** null: never set (`DEFAULT_NOTIFY` applies). */
  defaults(userId: string): Awaitable<NotifyDefaults | null>;
  setDefaults(userId: string, defaults: NotifyDefaults): Awaitable<void>;
}
