import type { Awaitable } from '../../ports/awaitable.js';
import type { Role } from '@open-discord/protocol';

/** Built-in role ids; `everyone` is held implicitly by every user and never stored as a grant. */
export const OWNER_ROLE = 'owner';
export const ADMIN_ROLE = 'admin';
export const EVERYONE_ROLE = 'everyone';

/** Roles and who holds them: the roles feature's storage. */
export interface RolesRepository {
  /** Highest first. */
  list(): Awaitable<Role[]>;
  get(id: string): Awaitable<Role | null>;
  /** Case-insensitive. */
  byName(name: string): Awaitable<Role | null>;
  insert(role: Role): Awaitable<void>;
  update(role: Role): Awaitable<void>;
  /** Built-in roles are never deleted. Returns whether a row went. */
  delete(id: string): Awaitable<boolean>;
  /** Role ids the user holds explicitly (never includes `everyone`). */
  rolesOf(userId: string): Awaitable<string[]>;
  allGrants(): Awaitable<Array<{ userId: string; roleId: string }>>;
  holders(roleId: string): Awaitable<string[]>;
  /** Returns whether the grant was new. */
  grant(userId: string, roleId: string): Awaitable<boolean>;
  revoke(userId: string, roleId: string): Awaitable<boolean>;
  /** Drop every grant of a user (they were removed from the server). */
  revokeAll(userId: string): Awaitable<void>;
  /** Drop a role from everyone who holds it. */
  revokeFromAll(roleId: string): Awaitable<void>;
}
