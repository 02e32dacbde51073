import type { Room } from '@open-discord/protocol';
import { isCommunityRoom, ProtocolError } from '@open-discord/protocol';
import type { AccessView } from './access.js';
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
  async restrictIn(w: WriteContext, actorId: string | null, roomId: string, roleIds: string[] | null): Promise<{ room: Room }> {
    const { store } = this.d;
    const row = await store.rooms.get(roomId);
    if (!row || row.deleted || !isCommunityRoom(row.kind)) throw roomNotFound();
    for (const r of roleIds ?? []) if (!(await store.roles.get(r))) throw new ProtocolError('NOT_FOUND', `role not found: ${r}`);
    const restrictedTo = roleIds === null ? null : [...new Set(roleIds)].sort();
    const everyone = (await store.users.list()).map((u) => u.id);
    return this.tracking(w, actorId, everyone, async () => {
      await store.rooms.setRestriction(roomId, restrictedTo);
      const room = await store.rooms.toWire({ ...row, restrictedTo });
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
  async changeRoleIn(w: WriteContext, actorId: string | null, userId: string, roleId: string, grant: boolean): Promise<{ ok: true }> {
    const { store } = this.d;
    const user = await store.users.byId(userId);
    if (!user || user.removed) throw new ProtocolError('NOT_FOUND', 'user not found');
    if (!(await store.roles.get(roleId))) throw new ProtocolError('NOT_FOUND', 'role not found');
    return this.tracking(w, actorId, [userId], async () => {
      const changed = await (grant ? store.roles.grant(userId, roleId) : store.roles.revoke(userId, roleId));
      if (changed) {
        // user.updated is in the access set only via this explicit invalidation: grants change visibility.
        this.d.access.invalidate();
        w.emit({ type: 'user.updated', roomId: null, actorId }, { user: await publicUser(store, user) });
      }
      return { ok: true as const };
    });
  }

  /** Run `change`, then tell each of `userIds` whose visible rooms differ. */
  async tracking<T>(w: WriteContext, actorId: string | null, userIds: string[], change: () => Promise<T>): Promise<T> {
    const { access } = this.d;
    const visible = (view: AccessView, u: string) =>
      [...view.allRooms()]
        .filter((r) => !r.deleted && view.roomVisibleTo(u, r))
        .map((r) => r.id)
        .join(',');
    const was = await access.view();
    const before = new Map(userIds.map((u) => [u, visible(was, u)]));
    const result = await change();
    access.invalidate();
    const now = await access.view();
    for (const u of userIds) {
      if (visible(now, u) !== before.get(u)) {
        w.emit({ type: 'access.changed', roomId: null, actorId, targetUserId: u }, { userId: u });
      }
    }
    return result;
  }
}
