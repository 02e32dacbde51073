import { z } from 'zod';
import { Id, Order, Unread } from '../model.js';
import { ev } from './envelope.js';
import { Ok, req } from './request.js';

// How far each user has read each room; the smallest feature, and the one to copy (docs/architecture.md).

export const events = [
  /** Private to the user who read. */
  ev('read.marked', z.object({ roomId: Id, order: Order })),
  /**
   * Private to the user: their marker moved back (`read.unmark`), so the room is unread from there again.
   * `unread`: the room's exact counts after the move (a client may not hold the messages between the new
   * marker and its loaded window, so it cannot count them itself); absent from events of older servers.
   */
  ev('read.unmarked', z.object({ roomId: Id, order: Order, unread: Unread.optional() })),
  /** Direct and group chats only: a member's marker moved, for the chat's members ("seen by …"). */
  ev('read.receipt', z.object({ roomId: Id, userId: Id, order: Order })),
] as const;

export const requests = {
  'read.mark': req({ roomId: Id, order: Order }, Ok),
  /** Mark a room unread again from a message on: the marker moves back to just before `order`. */
  'read.unmark': req({ roomId: Id, order: Order.min(1) }, Ok),
} as const;
