import { z } from 'zod';
import { Id } from '../model.js';
import { ev } from './envelope.js';
import { Ok, req } from './request.js';

// Kicking, banning and unbanning members.

export const events = [
  /** Removed from the server (kicked or banned). */
  ev('user.removed', z.object({ userId: Id, reason: z.enum(['kicked', 'banned', 'deleted']) })),
] as const;

export const requests = {
  'member.kick': req({ userId: Id }, Ok),
  'member.ban': req({ userId: Id }, Ok),
  /** Turn a ban back into a kick: the account may rejoin with an invite. */
  'member.unban': req({ userId: Id }, Ok),
} as const;
