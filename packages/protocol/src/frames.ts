import { z } from 'zod';
import { ErrorBody } from './errors.js';
import { Id, Me, Order } from './model.js';

/* ---------- client → server ---------- */

/** Must be the first frame on a socket, within the server's auth timeout. */
export const AuthFrame = z.object({
  type: z.literal('auth'),
  /** A JWT access token from /api/login, /api/signup or /api/refresh. Never put it in the URL. */
  token: z.string().min(1).max(4096),
  /** Resume: replay visible events after this order before going live. Omit for a fresh start. */
  resumeAfter: Order.optional(),
  protocol: z.number().int().optional(),
});
export type AuthFrame = z.infer<typeof AuthFrame>;

/** `typing` (client → server) and its notice (server → client) are the typing feature's: features/typing.ts. */
export { TypingFrame, TypingNotice } from './features/typing.js';

/** A request: `{id, type, ...params}`; `id` is the client's correlation id, echoed as `replyTo`. */
export const RequestEnvelope = z.object({ id: z.string().min(1).max(64), type: z.string().min(1).max(64) }).loose();

/* ---------- server → client ---------- */

export const ReadyFrame = z.object({
  type: z.literal('ready'),
  protocol: z.number().int(),
  serverVersion: z.string(),
  user: Me,
  /** The newest order in the log when the connection became live or started replaying. */
  head: Order,
  /**
   * The client asked to resume but is too far behind (or behind the retention horizon): no replay follows.
   * The connection is live from `head`; load `state` and recent history instead.
   */
  snapshotRequired: z.boolean().default(false),
  /** `replay` frames follow until one has `more: false`; only then live `event` frames. */
  replaying: z.boolean().default(false),
});
export type ReadyFrame = z.infer<typeof ReadyFrame>;

export const ReplySuccess = z.object({
  type: z.literal('reply'),
  replyTo: z.string(),
  ok: z.literal(true),
  result: z.unknown(),
});
export const ReplyFailure = z.object({
  type: z.literal('reply'),
  /** Null when the frame was so malformed that its id could not be read. */
  replyTo: z.string().nullable(),
  ok: z.literal(false),
  error: ErrorBody,
});
export type ReplySuccess = z.infer<typeof ReplySuccess>;
export type ReplyFailure = z.infer<typeof ReplyFailure>;

/** `voice.speaking` (server → client) is the voice feature's: features/voice.ts. */
export { VoiceSpeakingNotice } from './features/voice.js';

/** Presence frames (`idle` from clients; `presence` and `presence.all` to them) are the presence feature's. */
export { IdleFrame, PresenceAllNotice, PresenceNotice } from './features/presence.js';
