import type { Permission, Role } from '@open-discord/protocol';
import { EVERYONE_ROLE, type RolesRepository } from '../../features/roles/repository.js';
import type { Db } from './db.js';
import { nameKey } from '../../text/name-key.js';

interface RawRole {
  id: string;
  name: string;
  color: string | null;
  position: number;
  permissions: string;
  builtin: number;
}

const toRole = (r: RawRole): Role => ({
  id: r.id,
  name: r.name,
  color: r.color,
  position: r.position,
  permissions: JSON.parse(r.permissions) as Permission[],
  builtin: r.builtin !== 0,
});

/** SQLite implementation of the roles feature's RolesRepository. */
export class SqliteRolesRepo implements RolesRepository {
  private readonly s;
  constructor(db: Db) {
    this.s = {
      list: db.prepare<[], RawRole>('SELECT * FROM roles ORDER BY position DESC, id'),
      get: db.prepare<[string], RawRole>('SELECT * FROM roles WHERE id = ?'),
      byName: db.prepare<[string], RawRole>('SELECT * FROM roles WHERE name_lc = ?'),
      insert: db.prepare(
        'INSERT INTO roles (id, name, name_lc, color, position, permissions, builtin) VALUES (?, ?, ?, ?, ?, ?, 0)',
      ),
      update: db.prepare('UPDATE roles SET name = ?, name_lc = ?, color = ?, position = ?, permissions = ? WHERE id = ?'),
      delete: db.prepare('DELETE FROM roles WHERE id = ? AND builtin = 0'),
      rolesOf: db.prepare<[string], { role_id: string }>('SELECT role_id FROM user_roles WHERE user_id = ? ORDER BY role_id'),
      allGrants: db.prepare<[], { user_id: string; role_id: string }>('SELECT user_id, role_id FROM user_roles'),
      holders: db.prepare<[string], { user_id: string }>('SELECT user_id FROM user_roles WHERE role_id = ?'),
      grant: db.prepare('INSERT OR IGNORE INTO user_roles (user_id, role_id) VALUES (?, ?)'),
      revoke: db.prepare('DELETE FROM user_roles WHERE user_id = ? AND role_id = ?'),
      revokeAll: db.prepare('DELETE FROM user_roles WHERE user_id = ?'),
      revokeFromAll: db.prepare('DELETE FROM user_roles WHERE role_id = ?'),
    };
  }

  list(): Role[] {
    return this.s.list.all().map(toRole);
  }
  get(id: string): Role | null {
    const r = this.s.get.get(id);
    return r ? toRole(r) : null;
  }
  byName(name: string): Role | null {
    const r = this.s.byName.get(nameKey(name));
    return r ? toRole(r) : null;
  }
  insert(role: Role): void {
    this.s.insert.run(role.id, role.name, nameKey(role.name), role.color, role.position, JSON.stringify(role.permissions));
  }
  update(role: Role): void {
    this.s.update.run(role.name, nameKey(role.name), role.color, role.position, JSON.stringify(role.permissions), role.id);
  }
  /** Built-in roles are never deleted. Returns whether a row went. */
  delete(id: string): boolean {
    return this.s.delete.run(id).changes === 1;
  }
  /** Role ids the user holds explicitly (never includes `everyone`). */
  rolesOf(userId: string): string[] {
    return this.s.rolesOf.all(userId).map((r) => r.role_id);
  }
  allGrants(): Array<{ userId: string; roleId: string }> {
    return this.s.allGrants.all().map((r) => ({ userId: r.user_id, roleId: r.role_id }));
  }
  holders(roleId: string): string[] {
    return this.s.holders.all(roleId).map((r) => r.user_id);
  }
  /** Returns whether the grant was new. */
  grant(userId: string, roleId: string): boolean {
    if (roleId === EVERYONE_ROLE) return false;
    return this.s.grant.run(userId, roleId).changes === 1;
  }
  revoke(userId: string, roleId: string): boolean {
    return this.s.revoke.run(userId, roleId).changes === 1;
  }
  /** Drop every grant of a user (they were removed from the server). */
  revokeAll(userId: string): void {
    this.s.revokeAll.run(userId);
  }
  /** Drop a role from everyone who holds it. */
  revokeFromAll(roleId: string): void {
    this.s.revokeFromAll.run(roleId);
  }
}
