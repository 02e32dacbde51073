import type { Permission, PublicUser, World } from '@open-discord/protocol';
import { userById } from '@open-discord/protocol';
import type { Author } from '../../wrap/message-lines.js';
import { nickColor } from './nick-color.js';

/** The colour of a user's highest role that has one (roles outrank by position), or null. */
export function roleColor(roles: World['roles'], user: Pick<PublicUser, 'roles'>): string | null {
  let best: { position: number; color: string } | null = null;
  for (const id of user.roles) {
    const r = roles[id];
    if (r?.color && (!best || r.position > best.position)) best = { position: r.position, color: r.color };
  }
  return best?.color ?? null;
}

/**
 * Nickname and colour: the user's own colour, else their highest coloured role's, else the hashed default.
 * Users removed from the server keep their name on their old messages.
 */
export function authorOf(world: Pick<World, 'users' | 'formerUsers' | 'roles'>, userId: string): Author {
  const u = userById(world, userId);
  return { nick: u?.nickname ?? 'unknown', color: nickColor(userId, u?.color ?? (u ? roleColor(world.roles, u) : null)) };
}

export interface RoleRow {
  id: string;
  name: string;
  color: string | null;
  /** Its rank (what `/role move` takes): higher outranks lower. */
  position: number;
  permissions: readonly Permission[];
  builtin: boolean;
  /** Members holding it, or 'all' for the implicit everyone role. */
  members: number | 'all';
}

/** Roles for `/role list`, highest first. The everyone role is the built-in one at position 0. */
export function roleRows(world: Pick<World, 'roles' | 'users'> | null): RoleRow[] {
  if (!world) return [];
  const users = Object.values(world.users);
  return Object.values(world.roles)
    .sort((a, b) => b.position - a.position || a.name.localeCompare(b.name))
    .map((r) => ({
      id: r.id,
      name: r.name,
      color: r.color,
      position: r.position,
      permissions: r.permissions,
      builtin: r.builtin,
      members: r.builtin && r.position === 0 ? 'all' : users.filter((u) => u.roles.includes(r.id)).length,
    }));
}
