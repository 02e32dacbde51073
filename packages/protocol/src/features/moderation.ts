import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { Id, Room } from '../model.js';
import { ev } from './envelope.js';
import { Ok, req } from './request.js';

// Kicking, banning and unbanning members; slowing a room down.

export const events = [
  /** Removed from the server (kicked or banned). */
  ev('user.removed', z.object({ userId: Id, reason: z.enum(['kicked', 'banned', 'deleted']) })),
] as const;

export const requests = {
  'member.kick': req({ userId: Id }, Ok),
  'member.ban': req({ userId: Id }, Ok),
  /** The banned accounts, by nickname (needs manage_members): what `member.unban` takes. */
  'member.bans': req({}, z.object({ bans: z.array(z.object({ userId: Id, nickname: z.string() })) })),
  /** Turn a ban back into a kick: the account may rejoin with an invite. */
  'member.unban': req({ userId: Id }, Ok),
  /**
   * Slowmode for a room: one message per `seconds` for each member (0 turns it off); needs moderate_messages.
   * A message sent sooner is refused with RATE_LIMITED and `retryAfterMs`. Those who may moderate messages
   * are exempt.
   */
  'room.slowmode': req({ roomId: Id, seconds: z.number().int().min(0).max(LIMITS.slowmodeMaxSec) }, z.object({ room: Room })),
} as const;
