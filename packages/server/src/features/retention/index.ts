import type { Feature } from '../feature.js';
import { registerRetentionHandlers } from './handlers.js';

/**
 * Retention: rooms' policies and the sweeper that deletes expired content for good. A policy and a room's
 * horizon are room metadata, so it writes `room.updated` (defined by the rooms feature); its tombstones are
 * rewritten log rows, not events.
 */
export const retention: Feature = {
  name: 'retention',
  events: ['room.updated'],
  register: registerRetentionHandlers,
};
