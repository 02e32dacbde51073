import type { Feature } from '../feature.js';
import { registerSearchHandlers } from './handlers.js';

/**
 * Search over messages, users and rooms, and a message in its context (`history.around`, to jump to a hit).
 * Writes no events: its indexes are projections the SQLite adapter keeps current with the messages table.
 */
export const search: Feature = {
  name: 'search',
  events: [],
  register: registerSearchHandlers,
};
