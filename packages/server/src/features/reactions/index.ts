import type { Feature } from '../feature.js';
import { registerReactionHandlers } from './handlers.js';

/** Emoji reactions on messages; their events reach the room's members, like its messages. */
export const reactions: Feature = {
  name: 'reactions',
  events: ['reaction.added', 'reaction.removed'],
  register: registerReactionHandlers,
};
