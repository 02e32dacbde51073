import { z } from 'zod';
import { Category, Id, Message, Order, PublicUser, Role, Room, Timestamp } from './model.js';

/**
 * Every observable, durable change is one event in the server's append-only log.
 * `order` is gap-free and increasing across the whole server; events a user may not see are never sent to
 * them, and are accounted for by `prev` (live frames) and `through` (sync pages) instead — see docs/protocol.md.
 */
const envelope = {
  order: Order,
  id: Id,
  /** The room the event belongs to, or null for server-wide events. */
  roomId: Id.nullable(),
  /** Who caused it; null for the server itself. */
  actorId: Id.nullable(),
  createdAt: Timestamp,
};

const ev = <T extends string, D extends z.ZodTypeAny>(type: T, data: D) =>
  z.object({ ...envelope, type: z.literal(type), data });

export const KnownEvent = z.discriminatedUnion('type', [
  /** A new member (or a kicked one back); a newcomer is in the default (`autoJoin`) rooms they can see. */
  ev('user.joined', z.object({ user: PublicUser })),
  ev('user.updated', z.object({ user: PublicUser })),
  /** Removed from the server (kicked or banned). */
  ev('user.removed', z.object({ userId: Id, reason: z.enum(['kicked', 'banned', 'deleted']) })),
  /** Its creator (`actorId`; none for the server's own) is in it from the start, without a `room.joined`. */
  ev('room.created', z.object({ room: Room })),
  ev('room.updated', z.object({ room: Room })),
  ev('room.deleted', z.object({ roomId: Id })),
  /**
   * Room membership (join/part, the IRC way). A room's messages reach its members only; everyone who can
   * see the room learns who joins and leaves, like its other metadata.
   */
  ev('room.joined', z.object({ roomId: Id, userId: Id })),
  ev('room.left', z.object({ roomId: Id, userId: Id })),
  ev('message.created', z.object({ message: Message })),
  ev('message.edited', z.object({ message: Message })),
  ev('message.deleted', z.object({ messageId: Id, roomId: Id })),
  /** Private to the user who read. */
  ev('read.marked', z.object({ roomId: Id, order: Order })),
  ev('category.created', z.object({ category: Category })),
  ev('category.updated', z.object({ category: Category })),
  ev('category.deleted', z.object({ categoryId: Id })),
  ev('role.created', z.object({ role: Role })),
  ev('role.updated', z.object({ role: Role })),
  ev('role.deleted', z.object({ roleId: Id })),
  /**
   * Private to `userId`: the set of rooms they may see changed (a role was granted or revoked, a room was
   * restricted or opened). Clients refresh `state` and load history for rooms that became visible.
   */
  ev('access.changed', z.object({ userId: Id })),
]);
export type KnownEvent = z.infer<typeof KnownEvent>;
export type EventType = KnownEvent['type'];
export type EventOf<T extends EventType> = Extract<KnownEvent, { type: T }>;

export type OdEvent = KnownEvent;
