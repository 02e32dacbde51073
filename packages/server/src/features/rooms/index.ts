import type { Feature } from '../feature.js';
import { registerRoomHandlers } from './handlers.js';

/** Creating, renaming, gating (restrict/open) and deleting rooms. Every room change may change who sees it. */
export const rooms: Feature = {
  name: 'rooms',
  events: ['room.created', 'room.updated', 'room.deleted', 'access.changed'],
  visibilityEvents: ['room.created', 'room.updated', 'room.deleted', 'access.changed'],
  viewerEvents: ['room.created', 'room.updated', 'room.deleted'],
  register: registerRoomHandlers,
};
