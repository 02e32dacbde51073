import { z } from 'zod';
import { Id, PresenceMode, PresenceStatus } from '../model.js';
import { ev } from './envelope.js';
import { req } from './request.js';

/*
 * Presence: who is online, away or offline. It is ephemeral — frames, never events — except the user's own
 * choice of mode (appear away, appear offline), which every device of theirs must agree on and which outlives
 * a restart: that one is a private event.
 *
 * A user is online while any of their connections is live and active, away when every live connection says it
 * is idle (or they chose `away`), offline when none is live — after a grace period, so a reconnect does not
 * flap — or when they chose `invisible` (then nothing ever says they are online).
 */

/** Client → server: this connection's person is idle (no key pressed for a while) or active again. No reply. */
export const IdleFrame = z.object({ type: z.literal('idle'), idle: z.boolean() });
export type IdleFrame = z.infer<typeof IdleFrame>;

/** Server → client: one user's presence changed. `online` is `status !== 'offline'` (for older clients). */
export const PresenceNotice = z.object({
  type: z.literal('presence'),
  userId: Id,
  online: z.boolean(),
  status: PresenceStatus.optional(),
});
export type PresenceNotice = z.infer<typeof PresenceNotice>;

/**
 * Server → client, once when a connection goes live (after its replay): everyone who is not offline now, so
 * a client that resumed after a while does not keep presence it missed. Users not listed are offline.
 */
export const PresenceAllNotice = z.object({
  type: z.literal('presence.all'),
  users: z.array(z.object({ userId: Id, status: PresenceStatus })),
});
export type PresenceAllNotice = z.infer<typeof PresenceAllNotice>;

export const events = [
  /** Private to the user: the presence mode they chose (`presence.set`). */
  ev('presence.mode', z.object({ mode: PresenceMode })),
] as const;

export const requests = {
  /** `auto` (online or away by activity), `away` (always away while connected), `invisible` (appear offline). */
  'presence.set': req({ mode: PresenceMode }, z.object({ mode: PresenceMode })),
} as const;
