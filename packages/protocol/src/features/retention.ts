import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { Id, Room } from '../model.js';
import { req } from './request.js';

// Retention: how long a room keeps its messages. The policy and the horizon are room metadata (`Room`'s
// `retentionSec` and `expiredThrough`), changed by `room.updated` events like any other room setting, so
// this feature defines no event of its own.

/** A room's own policy: seconds to keep messages; 0 keeps them forever; null follows the server's default. */
export const RetentionSeconds = z
  .number()
  .int()
  .refine((s) => s === 0 || (s >= LIMITS.retentionMinSec && s <= LIMITS.retentionMaxSec), {
    message: `retention is 0 (keep forever) or between ${LIMITS.retentionMinSec} s and ${LIMITS.retentionMaxSec} s`,
  })
  .nullable();

export const requests = {
  /**
   * Set how long a room keeps its messages; needs manage_rooms. Messages older than the policy are deleted
   * for good by the server's sweeper (text, reactions, thread replies, search entries, files nothing else
   * carries). A room the asker cannot see answers like a missing one.
   */
  'room.retention': req({ roomId: Id, seconds: RetentionSeconds }, z.object({ room: Room })),
} as const;
