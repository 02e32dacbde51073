import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { Color, Id, Permission, Role } from '../model.js';
import { ev } from './envelope.js';
import { Ok, req } from './request.js';
import { name } from './text-fields.js';

// Roles, their permissions and ranking, and who holds them. Grants also write user.updated (profile's) and
// access.changed (rooms'); deleting a role writes room.updated for the rooms restricted to it.

export const events = [
  ev('role.created', z.object({ role: Role })),
  ev('role.updated', z.object({ role: Role })),
  ev('role.deleted', z.object({ roleId: Id })),
] as const;

export const requests = {
  'role.create': req(
    { name: name(LIMITS.roleNameMax), color: Color.nullable().optional() },
    z.object({ role: Role }),
  ),
  'role.delete': req({ roleId: Id }, Ok),
  'role.update': req(
    {
      roleId: Id,
      /** Rename it (custom roles only; names are unique, case-insensitively, and follow role.create's rule). */
      name: name(LIMITS.roleNameMax).optional(),
      add: z.array(Permission).optional(),
      remove: z.array(Permission).optional(),
      color: Color.nullable().optional(),
      /** Move the role in the ranking (higher outranks lower); see docs/protocol.md for who may. */
      position: z.number().int().min(1).optional(),
    },
    z.object({ role: Role }),
  ),
  'role.grant': req({ userId: Id, roleId: Id }, Ok),
  'role.revoke': req({ userId: Id, roleId: Id }, Ok),
} as const;
