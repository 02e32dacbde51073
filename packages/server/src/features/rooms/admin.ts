import type { ParsedParams, Room } from '@open-discord/protocol';
import { isCommunityRoom } from '@open-discord/protocol';
import type { AccessAdminService } from '../../core/access-admin.js';
import { type Actor, requirePermission } from '../../core/authority.js';
import type { ServiceDeps } from '../../core/deps.js';
import { roomNotFound } from './errors.js';
import { mayManageRoom } from './service.js';
import type { RoomRow } from './repository.js';

/** Two restrictions are the same: both open, or the same sorted role ids. */
const sameRoles = (a: readonly string[] | null, b: readonly string[] | null) =>
  a === null || b === null ? a === b : a.length === b.length && a.every((r, i) => r === b[i]);

/** Role-gating and deleting rooms; each needs manage_rooms on a room the actor can see. */
export class RoomAdminService {
  constructor(
    private readonly d: ServiceDeps,
    private readonly accessAdmin: AccessAdminService,
  ) {}

  restrict(actor: Actor, p: ParsedParams<'room.restrict'>): Promise<{ room: Room }> {
    return this.setRestriction(actor, p.roomId, p.roleIds);
  }

  open(actor: Actor, p: ParsedParams<'room.open'>): Promise<{ room: Room }> {
    return this.setRestriction(actor, p.roomId, null);
  }

  private setRestriction(actor: Actor, roomId: string, roleIds: string[] | null): Promise<{ room: Room }> {
    const { store, access, queue } = this.d;
    return queue.submit(async (w) => {
      const row = await this.visibleTextRoom(actor, roomId);
      requirePermission(await access.view(), actor, 'manage_rooms', roleIds === null ? 'open rooms' : 'restrict rooms');
      const wanted = roleIds === null ? null : [...new Set(roleIds)].sort();
      // Setting what is already set writes nothing (no event, no access.changed).
      if (sameRoles(wanted, row.restrictedTo)) return { room: await store.rooms.toWire(row) };
      return this.accessAdmin.restrictIn(w, actor, roomId, wanted);
    });
  }

  /** Delete a room: it disappears for everyone; its events stay in the log, visible to whoever could see it. */
  delete(actor: Actor, p: ParsedParams<'room.delete'>): Promise<{ ok: true }> {
    const { store, access, queue } = this.d;
    return queue.submit(async (w) => {
      const row = await this.visibleTextRoom(actor, p.roomId);
      if (!mayManageRoom(await access.view(), actor, row)) requirePermission(await access.view(), actor, 'manage_rooms', 'delete rooms');
      await store.rooms.markDeleted(row.id);
      w.emit({ type: 'room.deleted', roomId: row.id, actorId: actor }, { roomId: row.id });
      return { ok: true as const };
    });
  }

  private async visibleTextRoom(actor: Actor, roomId: string): Promise<RoomRow> {
    const row = await this.d.store.rooms.get(roomId);
    // The same work for a missing and a hidden room (see MessageChangesService.find).
    const visible = actor === null || (await this.d.access.view()).canSeeRoom(actor, roomId);
    if (!row || row.deleted || !isCommunityRoom(row.kind) || !visible) throw roomNotFound();
    return row;
  }
}
