import type { AppState } from './types.js';
import type { Permission, PublicUser } from './wire-types.js';

/** The colour of a user's highest role that has one (roles outrank by position), or null. */
export function roleColor(roles: AppState['roles'], user: Pick<PublicUser, 'roles'>): string | null {
  let best: { position: number; color: string } | null = null;
  for (const id of user.roles) {
    const r = roles[id];
    if (r?.color && (!best || r.position > best.position)) best = { position: r.position, color: r.color };
  }
  return best?.color ?? null;
}

export interface RoleRow {
  id: string;
  name: string;
  color: string | null;
  permissions: readonly Permission[];
  builtin: boolean;
  /** Members holding it, or 'all' for the implicit everyone role. */
  members: number | 'all';
}

/** Roles for `/role list`, highest first. The everyone role is the built-in one at position 0. */
export function roleRows(state: Pick<AppState, 'roles' | 'users'>): RoleRow[] {
  const users = Object.values(state.users);
  return Object.values(state.roles)
    .sort((a, b) => b.position - a.position || a.name.localeCompare(b.name))
    .map((r) => ({
      id: r.id,
      name: r.name,
      color: r.color,
      permissions: r.permissions,
      builtin: r.builtin,
      members: r.builtin && r.position === 0 ? 'all' : users.filter((u) => u.roles.includes(r.id)).length,
    }));
}
