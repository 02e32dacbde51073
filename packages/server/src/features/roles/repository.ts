import type { Role } from '@open-discord/protocol';

/** Built-in role ids; `everyone` is held implicitly by every user and never stored as a grant. */
export const OWNER_ROLE = 'owner';
export const ADMIN_ROLE = 'admin';
export const EVERYONE_ROLE = 'everyone';

/** Roles and who holds them: the roles feature's storage. */
export interface RolesRepository {
  /** Highest first. */
  list(): Role[];
  get(id: string): Role | null;
  /** Case-insensitive. */
  byName(name: string): Role | null;
  insert(role: Role): void;
  update(role: Role): void;
  /** Built-in roles are never deleted. Returns whether a row went. */
  delete(id: string): boolean;
  /** Role ids the user holds explicitly (never includes `everyone`). */
  rolesOf(userId: string): string[];
  allGrants(): Array<{ userId: string; roleId: string }>;
  holders(roleId: string): string[];
  /** Returns whether the grant was new. */
  grant(userId: string, roleId: string): boolean;
  revoke(userId: string, roleId: string): boolean;
  /** Drop every grant of a user (they were removed from the server). */
  revokeAll(userId: string): void;
  /** Drop a role from everyone who holds it. */
  revokeFromAll(roleId: string): void;
}
