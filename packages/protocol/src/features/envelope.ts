import { z } from 'zod';
import { Id, Order, Timestamp } from '../model.js';

/**
 * Every observable, durable change is one event in the server's append-only log.
 * `order` is gap-free and increasing across the whole server; events a user may not see are never sent to
 * them, and are accounted for by `prev` (live frames) and `through` (sync pages) instead — see docs/protocol.md.
 *
 * The fields every event carries, whatever its type. Defined once: the features' event schemas (`ev`) and the
 * decoder's envelope for events of types this client does not know (decode.ts) both spread it.
 */
export const envelope = {
  order: Order,
  id: Id,
  /** The room the event belongs to, or null for server-wide events. */
  roomId: Id.nullable(),
  /** Who caused it; null for the server itself. */
  actorId: Id.nullable(),
  createdAt: Timestamp,
};

/** One event type: the envelope, its `type` literal (the union's discriminator) and its `data`. */
export const ev = <T extends string, D extends z.ZodTypeAny>(type: T, data: D) =>
  z.object({ ...envelope, type: z.literal(type), data });
