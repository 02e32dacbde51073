import type { ParsedParams, Permission, Role } from '@open-discord/protocol';
import { NICKNAME_RE, nameProblem, PERMISSIONS, ProtocolError } from '@open-discord/protocol';
import type { AccessAdminService } from '../../core/access-admin.js';
import { type Actor, holds, rankOf, requireAbove, requirePermission } from '../../core/authority.js';
import type { ServiceDeps } from '../../core/deps.js';
import { ADMIN_ROLE, EVERYONE_ROLE, OWNER_ROLE } from './repository.js';

/** Spacing between roles created by the owner, leaving room for roles their holders create below them. */
const ROLE_GAP = 1024;

const roleNotFound = () => new ProtocolError('NOT_FOUND', 'role not found');

/**
 * Roles: create, change permissions/colour/position, delete, grant, revoke — each needs manage_roles, and
 * nobody acts on a role at or above their own highest role (the owner and the operator are exempt), moves a
 * role to or above it, nor grants a permission they do not hold. Built-in roles are never deleted; the owner role never changes hands over
 * the wire (only the operator can grant or revoke it).
 */
export class RolesService {
  constructor(
    private readonly d: ServiceDeps,
    private readonly accessAdmin: AccessAdminService,
  ) {}

  async list(): Promise<Role[]> {
    return this.d.store.roles.list();
  }

  create(actor: Actor, p: ParsedParams<'role.create'>): Promise<{ role: Role }> {
    const { store, access, queue } = this.d;
    if (nameProblem(p.name) !== null || !NICKNAME_RE.test(p.name)) {
      return Promise.reject(new ProtocolError('BAD_REQUEST', 'role names may contain letters, digits, _ . - only'));
    }
    return queue.submit(async (w) => {
      requirePermission(await access.view(), actor, 'manage_roles', 'create roles');
      if (await store.roles.byName(p.name)) throw new ProtocolError('CONFLICT', `a role named ${p.name} already exists`);
      const position = await this.newPosition(actor);
      const role: Role = { id: this.d.newId(), name: p.name, color: p.color ?? null, position, permissions: [], builtin: false };
      await store.roles.insert(role);
      w.emit({ type: 'role.created', roomId: null, actorId: actor }, { role });
      return { role };
    });
  }

  /**
   * Where a new role goes. The owner's (and admins') new roles go above every custom role, ROLE_GAP apart;
   * anyone else's go halfway between their own highest role and the next role below it, so they can manage
   * it and there is room for roles below it in turn. Positions need not be unique: equal positions simply
   * cannot act on each other.
   */
  private async newPosition(actor: Actor): Promise<number> {
    const { store, access } = this.d;
    const adminPosition = (await store.roles.get(ADMIN_ROLE))?.position ?? 999_999;
    const rank = rankOf(await access.view(), actor);
    const custom = (await store.roles.list()).filter((r) => !r.builtin).map((r) => r.position);
    if (rank >= adminPosition) return Math.min(Math.max(0, ...custom) + ROLE_GAP, adminPosition - 1);
    const below = Math.max(0, ...custom.filter((x) => x < rank));
    const position = Math.floor((below + rank) / 2);
    if (position <= below) throw new ProtocolError('FORBIDDEN', 'there is no room for a new role below your highest role');
    return position;
  }

  update(actor: Actor, p: ParsedParams<'role.update'>): Promise<{ role: Role }> {
    const { store, access, queue } = this.d;
    if (p.name !== undefined && (nameProblem(p.name) !== null || !NICKNAME_RE.test(p.name))) {
      return Promise.reject(new ProtocolError('BAD_REQUEST', 'role names may contain letters, digits, _ . - only'));
    }
    return queue.submit(async (w) => {
      requirePermission(await access.view(), actor, 'manage_roles', 'change roles');
      const role = await store.roles.get(p.roleId);
      if (!role) throw roleNotFound();
      if (role.id === OWNER_ROLE) throw new ProtocolError('FORBIDDEN', 'the owner role cannot be changed');
      requireAbove(await access.view(), actor, role.position, `the role ${role.name}`);
      if (p.position !== undefined && p.position !== role.position) await this.checkMove(actor, role, p.position);
      const add = p.add ?? [];
      const remove = p.remove ?? [];
      for (const perm of [...add, ...remove]) {
        if (!holds(await access.view(), actor, perm)) {
          throw new ProtocolError('FORBIDDEN', `you cannot grant or take away ${perm}: you do not hold it`);
        }
      }
      const renamed = p.name !== undefined && p.name !== role.name;
      if (renamed) {
        // Built-in roles are named in the docs and in commands (`@everyone`, admin): their names stay.
        if (role.builtin) throw new ProtocolError('FORBIDDEN', `the built-in role ${role.name} keeps its name`);
        const holder = await store.roles.byName(p.name!);
        if (holder && holder.id !== role.id) throw new ProtocolError('CONFLICT', `a role named ${p.name} already exists`);
      }
      const both = add.filter((x) => remove.includes(x));
      if (both.length) throw new ProtocolError('BAD_REQUEST', `both added and removed: ${both.join(', ')}`);
      const perms = new Set<Permission>(role.permissions);
      for (const x of add) perms.add(x);
      for (const x of remove) perms.delete(x);
      const next: Role = {
        ...role,
        name: renamed ? p.name! : role.name,
        permissions: PERMISSIONS.filter((x) => perms.has(x)),
        color: p.color === undefined ? role.color : p.color,
        position: p.position ?? role.position,
      };
      const same = next.name === role.name && next.color === role.color && next.position === role.position && next.permissions.join() === role.permissions.join();
      if (same) return { role };
      await store.roles.update(next);
      // Permissions and positions never decide visibility (only role membership does), so no access.changed
      // here; role.updated invalidates the access index, whose ranks read positions.
      w.emit({ type: 'role.updated', roomId: null, actorId: actor }, { role: next });
      return { role: next };
    });
  }

  /**
   * Moving a role: the role must be strictly below the actor's highest role (checked by the caller) and so
   * must its new place; the owner and the operator are exempt from both. `everyone` stays at the bottom,
   * only the owner moves `admin`, and nothing goes up to the owner role's place.
   */
  private async checkMove(actor: Actor, role: Role, position: number): Promise<void> {
    const { store, access } = this.d;
    if (role.id === EVERYONE_ROLE) throw new ProtocolError('FORBIDDEN', 'the everyone role cannot be moved');
    if (role.id === ADMIN_ROLE && rankOf(await access.view(), actor) !== Number.POSITIVE_INFINITY) {
      throw new ProtocolError('FORBIDDEN', 'only the owner can move the admin role');
    }
    const ownerPosition = (await store.roles.get(OWNER_ROLE))?.position ?? Number.POSITIVE_INFINITY;
    if (position >= ownerPosition) throw new ProtocolError('BAD_REQUEST', `a role's position must be below the owner role (${ownerPosition})`);
    requireAbove(await access.view(), actor, position, `position ${position}`);
  }

  /**
   * Delete a custom role: its holders lose it and rooms restricted to it drop it from their list (a room
   * left with no roles is visible to the owner only). Everyone whose visible rooms change is told.
   */
  delete(actor: Actor, p: ParsedParams<'role.delete'>): Promise<{ ok: true }> {
    const { store, access, queue } = this.d;
    return queue.submit(async (w) => {
      requirePermission(await access.view(), actor, 'manage_roles', 'delete roles');
      const role = await store.roles.get(p.roleId);
      if (!role) throw roleNotFound();
      if (role.builtin) throw new ProtocolError('BAD_REQUEST', `the built-in role ${role.name} cannot be deleted`);
      requireAbove(await access.view(), actor, role.position, `the role ${role.name}`);
      const everyone = (await store.users.list()).map((u) => u.id);
      return this.accessAdmin.tracking(w, actor, everyone, async () => {
        for (const row of await store.rooms.all()) {
          if (row.deleted || !row.restrictedTo?.includes(role.id)) continue;
          const restrictedTo = row.restrictedTo.filter((r) => r !== role.id);
          await store.rooms.setRestriction(row.id, restrictedTo);
          w.emit({ type: 'room.updated', roomId: row.id, actorId: actor }, { room: await store.rooms.toWire({ ...row, restrictedTo }) });
        }
        await store.roles.revokeFromAll(role.id);
        await store.roles.delete(role.id);
        w.emit({ type: 'role.deleted', roomId: null, actorId: actor }, { roleId: role.id });
        return { ok: true as const };
      });
    });
  }

  grant(actor: Actor, p: ParsedParams<'role.grant'>): Promise<{ ok: true }> {
    return this.change(actor, p.userId, p.roleId, true);
  }

  revoke(actor: Actor, p: ParsedParams<'role.revoke'>): Promise<{ ok: true }> {
    return this.change(actor, p.userId, p.roleId, false);
  }

  private change(actor: Actor, userId: string, roleId: string, grant: boolean): Promise<{ ok: true }> {
    const { store, access, queue } = this.d;
    return queue.submit(async (w) => {
      requirePermission(await access.view(), actor, 'manage_roles', grant ? 'grant roles' : 'revoke roles');
      const user = await store.users.byId(userId);
      if (!user || user.removed) throw new ProtocolError('NOT_FOUND', 'user not found');
      const role = await store.roles.get(roleId);
      if (!role) throw roleNotFound();
      if (role.id === EVERYONE_ROLE) throw new ProtocolError('BAD_REQUEST', 'everyone holds the everyone role; it cannot be granted or revoked');
      if (role.id === OWNER_ROLE && actor !== null) {
        throw new ProtocolError('FORBIDDEN', 'the owner role can only be handed over by the server operator');
      }
      requireAbove(await access.view(), actor, role.position, `the role ${role.name}`);
      // Taking a role from someone who outranks you would be acting on their higher role indirectly.
      if (!grant && userId !== actor && rankOf(await access.view(), actor) <= (await access.view()).topPosition(userId)) {
        throw new ProtocolError('FORBIDDEN', `${user.nickname} outranks you`);
      }
      return this.accessAdmin.changeRoleIn(w, actor, userId, roleId, grant);
    });
  }
}
