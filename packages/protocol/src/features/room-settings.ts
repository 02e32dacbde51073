import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { Id, NotifyDefaults, NotifyLevel, RoomSettings } from '../model.js';
import { ev } from './envelope.js';
import { req } from './request.js';
import { name } from './text-fields.js';

// Personal room settings (mute, notification level, a local name) and each user's notification defaults.
// Private to their user: the events carry `targetUserId`, so every device of the user agrees, and no one
// else learns them.

export const events = [
  ev('room.settings.changed', z.object({ settings: RoomSettings })),
  ev('notify.defaults.changed', z.object({ defaults: NotifyDefaults })),
] as const;

export const requests = {
  /** Change one's own settings for a room one sees; fields left out stay as they are. */
  'room.settings': req(
    {
      roomId: Id,
      muted: z.boolean().optional(),
      /** null: back to one's default level. */
      level: NotifyLevel.nullable().optional(),
      /** null: back to the room's own name. */
      localName: name(LIMITS.roomNameMax).nullable().optional(),
    },
    z.object({ settings: RoomSettings }),
  ),
  /** Set one's notification levels for rooms without one of their own (text rooms, chats); left out: kept. */
  'notify.defaults': req({ rooms: NotifyLevel.optional(), chats: NotifyLevel.optional() }, z.object({ defaults: NotifyDefaults })),
} as const;
