import type { Permission, Role } from '@open-discord/protocol';
import { EVERYONE_ROLE, type RolesRepository } from '../../features/roles/repository.js';
import { nameKey } from '../../text/name-key.js';
import type { PgDb } from './db.js';

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

/** PostgreSQL implementation of the roles feature's RolesRepository (query for query SQLite's). */
export class PgRolesRepo implements RolesRepository {
  constructor(private readonly db: PgDb) {}

  async list(): Promise<Role[]> {
    return (await this.db.rows<RawRole>('SELECT * FROM roles ORDER BY position DESC, id')).map(toRole);
  }
  async get(id: string): Promise<Role | null> {
    const r = await this.db.row<RawRole>('SELECT * FROM roles WHERE id = $1', [id]);
    return r ? toRole(r) : null;
  }
  async byName(name: string): Promise<Role | null> {
    const r = await this.db.row<RawRole>('SELECT * FROM roles WHERE name_lc = $1', [nameKey(name)]);
    return r ? toRole(r) : null;
  }
  async insert(role: Role): Promise<void> {
    await this.db.run('INSERT INTO roles (id, name, name_lc, color, position, permissions, builtin) VALUES ($1, $2, $3, $4, $5, $6, 0)', [
      role.id,
      role.name,
      nameKey(role.name),
      role.color,
      role.position,
      JSON.stringify(role.permissions),
    ]);
  }
  async update(role: Role): Promise<void> {
    await this.db.run('UPDATE roles SET name = $1, name_lc = $2, color = $3, position = $4, permissions = $5 WHERE id = $6', [
      role.name,
      nameKey(role.name),
      role.color,
      role.position,
      JSON.stringify(role.permissions),
      role.id,
    ]);
  }
  async delete(id: string): Promise<boolean> {
    return (await this.db.run('DELETE FROM roles WHERE id = $1 AND builtin = 0', [id])) === 1;
  }
  async rolesOf(userId: string): Promise<string[]> {
    return (await this.db.rows<{ role_id: string }>('SELECT role_id FROM user_roles WHERE user_id = $1 ORDER BY role_id', [userId])).map((r) => r.role_id);
  }
  async allGrants(): Promise<Array<{ userId: string; roleId: string }>> {
    return (await this.db.rows<{ user_id: string; role_id: string }>('SELECT user_id, role_id FROM user_roles')).map((r) => ({
      userId: r.user_id,
      roleId: r.role_id,
    }));
  }
  async holders(roleId: string): Promise<string[]> {
    return (await this.db.rows<{ user_id: string }>('SELECT user_id FROM user_roles WHERE role_id = $1', [roleId])).map((r) => r.user_id);
  }
  async grant(userId: string, roleId: string): Promise<boolean> {
    if (roleId === EVERYONE_ROLE) return false;
    return (await this.db.run('INSERT INTO user_roles (user_id, role_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [userId, roleId])) === 1;
  }
  async revoke(userId: string, roleId: string): Promise<boolean> {
    return (await this.db.run('DELETE FROM user_roles WHERE user_id = $1 AND role_id = $2', [userId, roleId])) === 1;
  }
  async revokeAll(userId: string): Promise<void> {
    await this.db.run('DELETE FROM user_roles WHERE user_id = $1', [userId]);
  }
  async revokeFromAll(roleId: string): Promise<void> {
    await this.db.run('DELETE FROM user_roles WHERE role_id = $1', [roleId]);
  }
}
