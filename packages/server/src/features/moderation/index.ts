import type { Feature } from '../feature.js';
import { closeRemovedUsers, registerModerationHandlers } from './handlers.js';

/** Kicking, banning and unbanning members (a removed member's sockets close when the removal is published); slowmode. */
export const moderation: Feature = {
  name: 'moderation',
  events: ['user.removed', 'room.updated'],
  visibilityEvents: ['user.removed'],
  register: registerModerationHandlers,
  onPublished: closeRemovedUsers,
};
