import type { Feature } from '../feature.js';
import { registerConversationHandlers } from './handlers.js';

/**
 * Direct and group chats: rooms only their members see. Every event written here changes who sees the
 * chat (its creation, its members), so all of them rebuild the access rules; the room's own events reach
 * its viewers, who are its members.
 */
export const conversations: Feature = {
  name: 'conversations',
  events: ['room.created', 'room.updated', 'room.joined', 'room.left', 'access.changed', 'read.marked', 'read.receipt'],
  visibilityEvents: ['room.created', 'room.updated', 'room.joined', 'room.left', 'access.changed'],
  viewerEvents: ['room.created', 'room.updated', 'room.joined', 'room.left'],
  register: registerConversationHandlers,
};
