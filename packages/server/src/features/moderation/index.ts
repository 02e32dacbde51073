import type { Feature } from '../feature.js';
import { closeRemovedUsers, registerModerationHandlers } from './handlers.js';

/** Kicking, banning and unbanning members; a removed member's sockets close when the removal is published. */
export const moderation: Feature = {
  name: 'moderation',
  events: ['user.removed'],
  visibilityEvents: ['user.removed'],
  register: registerModerationHandlers,
  onPublished: closeRemovedUsers,
};
