import { z } from 'zod';
import { PublicUser } from '../model.js';
import { ev } from './envelope.js';

/*
 * Accounts: signup, login, tokens and passwords travel over the HTTP API (http.ts), not as WebSocket
 * requests; what the socket sees of them is a member (re)joining.
 */

export const events = [
  /** A new member (or a kicked one back); a newcomer is in the default (`autoJoin`) rooms they can see. */
  ev('user.joined', z.object({ user: PublicUser })),
] as const;
