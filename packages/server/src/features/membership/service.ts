import type { Room } from '@open-discord/protocol';
import type { AccessView } from '../../core/access.js';
import type { RoomRow } from '../rooms/repository.js';
import { isCommunityRoom, ProtocolError } from '@open-discord/protocol';
import type { WriteContext } from '../../core/commit-queue.js';
import type { ServiceDeps } from '../../core/deps.js';
import type { ReadMarkersService } from '../read-markers/service.js';
import { roomNotFound } from '../rooms/errors.js';
import type { ThreadsService } from '../threads/service.js';

/**
 * Joining and leaving rooms. Only a room the user can see can be joined (any other answers like a missing
 * one); joining twice or leaving a room one is not in writes nothing. Leaving does not hide the room: it
 * stays in the room browser, and its metadata keeps arriving.
 */
export class MembershipService {
  constructor(
    private readonly d: ServiceDeps,
    private readonly readMarkers: ReadMarkersService,
    private readonly threads: ThreadsService,
  ) {}

  join(userId: string, roomId: string): Promise<{ room: Room }> {
    return this.d.queue.submit(async (w) => {
      const { row, view } = await this.visibleRoom(userId, roomId);
      if (!view.isMember(userId, roomId)) await this.joinIn(w, userId, roomId);
      return { room: await this.d.store.rooms.toWire(row) };
    });
  }

  /** The room, if the user can see it; a missing, deleted and hidden room answer alike. */
  private async visibleRoom(userId: string, roomId: string): Promise<{ row: RoomRow; view: AccessView }> {
    const row = await this.d.store.rooms.get(roomId);
    const view = await this.d.access.view();
    // The same work for a missing and a hidden room: the visibility check runs either way.
    const visible = view.canSeeRoom(userId, roomId);
    if (!row || row.deleted || !visible) throw roomNotFound();
    return { row, view };
  }

  /**
   * Join inside a running write, announced by its own event. What was said before (or while one was away)
   * never reached the joiner, so none of it is unread: their read marker moves to the join, as the client
   * model does when it sees its own `room.joined` (it counts the room's unread from zero). Without this,
   * `state` after a reconnect would count the room's whole backlog as unread.
   */
  async joinIn(w: WriteContext, userId: string, roomId: string): Promise<void> {
    await this.d.store.rooms.addMember(roomId, userId);
    const joined = w.emit({ type: 'room.joined', roomId, actorId: userId }, { roomId, userId });
    await this.readMarkers.markIn(w, userId, roomId, joined.order);
    await this.threads.rejoined(w, userId, roomId);
  }

  /**
   * Join as part of another event that implies it (the protocol says so): the creator of a room is in it
   * (`room.created`), and a newcomer is in the default rooms they can see (`user.joined`). No event of its
   * own; the access rules are rebuilt because the implying event changes visibility too.
   */
  async joinImplied(userId: string, roomId: string): Promise<void> {
    await this.d.store.rooms.addMember(roomId, userId);
    this.d.access.invalidate();
  }

  part(userId: string, roomId: string): Promise<{ ok: true }> {
    return this.d.queue.submit(async (w) => {
      const { row, view } = await this.visibleRoom(userId, roomId);
      if (!isCommunityRoom(row.kind)) throw new ProtocolError('BAD_REQUEST', 'you cannot leave a direct or group chat this way');
      if (!view.isMember(userId, roomId)) return { ok: true as const };
      await this.d.store.rooms.removeMember(roomId, userId);
      w.emit({ type: 'room.left', roomId, actorId: userId }, { roomId, userId });
      return { ok: true as const };
    });
  }

  /**
   * Who is in a room the user can see (active accounts only), in a stable order: those its messages reach.
   * A member who lost sight of the room (a role taken away) keeps the membership row, so they are back in it
   * when they see it again, but is not listed meanwhile: nothing of the room reaches them, they cannot be
   * highlighted in it, and their own `state.joined` no longer names it.
   */
  async members(userId: string, roomId: string): Promise<{ userIds: string[] }> {
    const view = await this.d.access.view();
    if (!view.canSeeRoom(userId, roomId)) throw roomNotFound();
    // The room's member set is in the access rules already; active accounts are one read, not one a member.
    const active = new Set((await this.d.store.users.list()).map((u) => u.id));
    const ids = [...(view.room(roomId)?.joined ?? [])].sort();
    return { userIds: ids.filter((id) => active.has(id) && view.canSeeRoom(id, roomId)) };
  }

  /** The default rooms a new member joins at sign-up: live text rooms flagged autoJoin that they can see. */
  async joinDefaults(userId: string): Promise<void> {
    const view = await this.d.access.view();
    for (const r of await this.d.store.rooms.all()) {
      if (r.autoJoin && !r.deleted && isCommunityRoom(r.kind) && view.canSeeRoom(userId, r.id) && !view.isMember(userId, r.id)) {
        await this.joinImplied(userId, r.id);
      }
    }
  }
}
