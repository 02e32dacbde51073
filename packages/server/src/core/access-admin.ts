import type { Room } from '@open-discord/protocol';
import { ProtocolError } from '@open-discord/protocol';
import type { WriteContext } from './commit-queue.js';
import type { ServiceDeps } from './deps.js';
import { roomNotFound } from '../features/rooms/errors.js';
import { publicUser } from '../features/accounts/users.js';

/**
 * Changes to who may see what: room restrictions and role grants. These are the building blocks for the
 * role/restrict requests; they do NOT check the actor's permissions (the request handlers do).
 * Every user whose set of visible rooms changes gets a private `access.changed` event, so their client
 * refreshes state and loads history of rooms that appeared.
 */
export class AccessAdminService {
  constructor(private readonly d: ServiceDeps) {}

  /** Restrict a text room to roles (null opens it to everyone). */
  restrictRoom(actorId: string | null, roomId: string, roleIds: string[] | null): Promise<{ room: Room }> {
    return this.d.queue.submit((w) => this.restrictIn(w, actorId, roomId, roleIds));
  }

  /** restrictRoom inside a running write. */
  restrictIn(w: WriteContext, actorId: string | null, roomId: string, roleIds: string[] | null): { room: Room } {
    const { store } = this.d;
    const row = store.rooms.get(roomId);
    if (!row || row.deleted || row.kind !== 'text') throw roomNotFound();
    for (const r of roleIds ?? []) if (!store.roles.get(r)) throw new ProtocolError('NOT_FOUND', `role not found: ${r}`);
    const restrictedTo = roleIds === null ? null : [...new Set(roleIds)].sort();
    return this.tracking(w, actorId, store.users.list().map((u) => u.id), () => {
      store.rooms.setRestriction(roomId, restrictedTo);
      const room = store.rooms.toWire({ ...row, restrictedTo });
      w.emit({ type: 'room.updated', roomId, actorId }, { room });
      return { room };
    });
  }

  grantRole(actorId: string | null, userId: string, roleId: string): Promise<{ ok: true }> {
    return this.changeRole(actorId, userId, roleId, true);
  }

  revokeRole(actorId: string | null, userId: string, roleId: string): Promise<{ ok: true }> {
    return this.changeRole(actorId, userId, roleId, false);
  }

  private changeRole(actorId: string | null, userId: string, roleId: string, grant: boolean): Promise<{ ok: true }> {
    return this.d.queue.submit((w) => this.changeRoleIn(w, actorId, userId, roleId, grant));
  }

  /** grantRole/revokeRole inside a running write; a grant that changes nothing writes no event. */
  changeRoleIn(w: WriteContext, actorId: string | null, userId: string, roleId: string, grant: boolean): { ok: true } {
    const { store } = this.d;
    const user = store.users.byId(userId);
    if (!user || user.removed) throw new ProtocolError('NOT_FOUND', 'user not found');
    if (!store.roles.get(roleId)) throw new ProtocolError('NOT_FOUND', 'role not found');
    return this.tracking(w, actorId, [userId], () => {
      const changed = grant ? store.roles.grant(userId, roleId) : store.roles.revoke(userId, roleId);
      if (changed) {
        // user.updated is in the access set only via this explicit invalidation: grants change visibility.
        this.d.access.invalidate();
        w.emit({ type: 'user.updated', roomId: null, actorId }, { user: publicUser(store, user) });
      }
      return { ok: true as const };
    });
  }

  /** Run `change`, then tell each of `userIds` whose visible rooms differ. */
  tracking<T>(w: WriteContext, actorId: string | null, userIds: string[], change: () => T): T {
    const { access } = this.d;
    const visible = (u: string) =>
      [...access.allRooms()]
        .filter((r) => !r.deleted && access.roomVisibleTo(u, r))
        .map((r) => r.id)
        .join(',');
    const before = new Map(userIds.map((u) => [u, visible(u)]));
    const result = change();
    access.invalidate();
    for (const u of userIds) {
      if (visible(u) !== before.get(u)) {
        w.emit({ type: 'access.changed', roomId: null, actorId, targetUserId: u }, { userId: u });
      }
    }
    return result;
  }
}
