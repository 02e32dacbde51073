import type { Feature } from '../feature.js';
import { registerThreadHandlers } from './handlers.js';

/**
 * Threads (one level): replies are `message.created` events of the messages feature with a `threadId`;
 * this feature writes the follow and read-marker events (private to their user) and the summary change
 * of a root whose reply was deleted (to the room's members, like the messages).
 */
export const threads: Feature = {
  name: 'threads',
  events: ['thread.followed', 'thread.unfollowed', 'thread.read', 'thread.updated'],
  register: registerThreadHandlers,
};
