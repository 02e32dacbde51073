import type { Feature } from '../feature.js';
import { registerMembershipHandlers } from './handlers.js';

/**
 * Room membership, the IRC and Slack way: a room's messages reach its members only. Joining and leaving
 * change who receives what (so the access rules are rebuilt on them), and every viewer of the room sees
 * them, like the room's other metadata.
 */
export const membership: Feature = {
  name: 'membership',
  events: ['room.joined', 'room.left'],
  visibilityEvents: ['room.joined', 'room.left'],
  viewerEvents: ['room.joined', 'room.left'],
  register: registerMembershipHandlers,
};
