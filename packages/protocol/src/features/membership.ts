import { z } from 'zod';
import { Id, Room } from '../model.js';
import { ev } from './envelope.js';
import { Ok, req } from './request.js';

// Room membership, the IRC and Slack way: a room's messages reach its members only; everyone who can see
// the room learns who joins and leaves, like its other metadata. The creator of a room is in it from
// `room.created`, and a newcomer is in the default rooms from `user.joined`: no `room.joined` for either.

export const events = [
  ev('room.joined', z.object({ roomId: Id, userId: Id })),
  ev('room.left', z.object({ roomId: Id, userId: Id })),
] as const;

export const requests = {
  /**
   * Join a room you can see: its messages reach you from now on, and your read marker moves to the join
   * (a `read.marked` after the `room.joined`), so nothing said before counts as unread. Joining again
   * changes nothing.
   */
  'room.join': req({ roomId: Id }, z.object({ room: Room })),
  /** Leave a room: its messages stop reaching you (it stays in the room browser). */
  'room.part': req({ roomId: Id }, Ok),
  /** Who is in a room you can see. */
  'room.members': req({ roomId: Id }, z.object({ userIds: z.array(Id) })),
} as const;
