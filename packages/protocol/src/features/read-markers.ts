import { z } from 'zod';
import { Id, Order } from '../model.js';
import { ev } from './envelope.js';
import { Ok, req } from './request.js';

// How far each user has read each room; the smallest feature, and the one to copy (docs/architecture.md).

export const events = [
  /** Private to the user who read. */
  ev('read.marked', z.object({ roomId: Id, order: Order })),
] as const;

export const requests = {
  'read.mark': req({ roomId: Id, order: Order }, Ok),
} as const;
