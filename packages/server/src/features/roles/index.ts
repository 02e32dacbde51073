import type { Feature } from '../feature.js';
import { registerRoleHandlers } from './handlers.js';

/**
 * Roles, their permissions and ranking, and who holds them. Grants write user.updated (and access.changed
 * for whoever's visible rooms changed); deleting a role drops it from the rooms restricted to it.
 */
export const roles: Feature = {
  name: 'roles',
  events: ['role.created', 'role.updated', 'role.deleted', 'user.updated', 'room.updated', 'access.changed'],
  visibilityEvents: ['role.created', 'role.updated', 'role.deleted', 'room.updated', 'access.changed'],
  register: registerRoleHandlers,
};
