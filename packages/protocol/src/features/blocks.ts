import { z } from 'zod';
import { Id } from '../model.js';
import { ev } from './envelope.js';
import { req } from './request.js';

// Blocking a user: they can no longer open a direct chat with you, write to one you share, or add you to a
// group chat (and neither can you with them until you unblock). Their messages elsewhere still reach you:
// clients hide them (od does), the server does not filter them, so rooms look the same to everyone else.
// The list is private: the event carries `targetUserId` (every device of the blocker, no one else), and the
// blocked user is never told — only a refused request shows them, as it must.

export const events = [ev('user.blocked', z.object({ userId: Id, blocked: z.boolean() }))] as const;

export const requests = {
  /** Block (`blocked: true`) or unblock a user; answers one's whole block list. Blocking twice writes nothing. */
  'user.block': req({ userId: Id, blocked: z.boolean() }, z.object({ blocked: z.array(Id) })),
  /** One's own block list (also in `state`). */
  'user.blocks': req({}, z.object({ blocked: z.array(Id) })),
} as const;
