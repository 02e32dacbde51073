import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { Id, Room } from '../model.js';
import { textProblem } from '../text.js';
import { ev } from './envelope.js';
import { Ok, req } from './request.js';
import { name, rule } from './text-fields.js';

// Creating, renaming, gating (restrict/open) and deleting rooms.

export const events = [
  /** Its creator (`actorId`; none for the server's own) is in it from the start, without a `room.joined`. */
  ev('room.created', z.object({ room: Room })),
  /** Also written by categories (a room moved) and roles (a deleted role dropped from a restricted room). */
  ev('room.updated', z.object({ room: Room })),
  ev('room.deleted', z.object({ roomId: Id })),
  /**
   * Private to `userId`: the set of rooms they may see changed (a role was granted or revoked, a room was
   * restricted or opened). Clients refresh `state` and load history for rooms that became visible.
   * Written by rooms and roles; it lives here because what it reports is room visibility.
   */
  ev('access.changed', z.object({ userId: Id })),
] as const;

const roomName = name(LIMITS.roomNameMax);
const topic = z.string().max(LIMITS.topicMax).superRefine(rule(textProblem));

export const requests = {
  'room.create': req(
    {
      name: roomName,
      topic: topic.optional(),
      categoryId: Id.nullable().optional(),
      /** `forum` makes a board of posts, `voice` a voice room; default `text`. */
      kind: z.enum(['text', 'forum', 'voice']).optional(),
      /** Create the room already restricted to these roles (as `room.restrict`, which needs manage_rooms). */
      restrictedTo: z.array(Id).min(1).max(32).optional(),
    },
    z.object({ room: Room }),
  ),
  'room.update': req(
    {
      roomId: Id,
      name: roomName.optional(),
      topic: topic.optional(),
      /** Make it a default room (new members join it) or not; needs manage_rooms. */
      autoJoin: z.boolean().optional(),
    },
    z.object({ room: Room }),
  ),
  'room.restrict': req({ roomId: Id, roleIds: z.array(Id).min(1).max(32) }, z.object({ room: Room })),
  'room.open': req({ roomId: Id }, z.object({ room: Room })),
  'room.delete': req({ roomId: Id }, Ok),
} as const;
