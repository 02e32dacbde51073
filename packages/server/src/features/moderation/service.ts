import type { ParsedParams, Room } from '@open-discord/protocol';
import { ProtocolError } from '@open-discord/protocol';
import { type Actor, rankOf, requirePermission } from '../../core/authority.js';
import type { ServiceDeps } from '../../core/deps.js';
import type { RemovalReason } from '../accounts/repository.js';
import { OWNER_ROLE } from '../roles/repository.js';
import { roomNotFound } from '../rooms/errors.js';

/**
 * Removing members. Both need manage_members and a target ranked below the actor.
 *
 * - kick: the account is deactivated, every session ends (refresh tokens revoked, sockets closed 4401 when
 *   the `user.removed` event is published) and its roles are dropped. The person may come back with a new
 *   invite by signing up again with the same username and password (see AuthService.signup).
 * - ban: the same, but the account can never log in or rejoin (sockets closed 4403); the username and
 *   nickname stay reserved. `unban` turns a ban back into a kick.
 */
export class ModerationService {
  constructor(private readonly d: ServiceDeps) {}

  kick(actor: Actor, p: ParsedParams<'member.kick'>): Promise<{ ok: true }> {
    return this.remove(actor, p.userId, 'kicked');
  }

  ban(actor: Actor, p: ParsedParams<'member.ban'>): Promise<{ ok: true }> {
    return this.remove(actor, p.userId, 'banned');
  }

  private remove(actor: Actor, userId: string, reason: RemovalReason): Promise<{ ok: true }> {
    const { store, access, queue } = this.d;
    return queue.submit(async (w) => {
      requirePermission(await access.view(), actor, 'manage_members', reason === 'kicked' ? 'kick members' : 'ban members');
      const user = await store.users.byId(userId);
      // A kicked member can still be banned; otherwise removed users are gone.
      if (!user || (user.removed && !(reason === 'banned' && user.removedReason === 'kicked'))) {
        throw new ProtocolError('NOT_FOUND', 'user not found');
      }
      if (userId === actor) throw new ProtocolError('BAD_REQUEST', 'you cannot remove yourself');
      if ((await access.view()).rolesOf(userId).has(OWNER_ROLE)) throw new ProtocolError('FORBIDDEN', 'the owner cannot be removed');
      if (rankOf(await access.view(), actor) <= (await access.view()).topPosition(userId)) throw new ProtocolError('FORBIDDEN', `${user.nickname} outranks you`);
      await store.users.setRemoved(userId, reason);
      await store.roles.revokeAll(userId);
      await store.credentials.revokeAllForUser(userId);
      await store.users.bumpTokenVersion(userId);
      // The session layer closes the user's sockets when it publishes this event (also when the operator
      // wrote it from another process).
      w.emit({ type: 'user.removed', roomId: null, actorId: actor }, { userId, reason });
      return { ok: true as const };
    });
  }

  /** The banned accounts, oldest first: for those who may unban (manage_members). */
  async bans(actor: Actor): Promise<{ bans: Array<{ userId: string; nickname: string }> }> {
    requirePermission(await this.d.access.view(), actor, 'manage_members', 'list bans');
    const all = await this.d.store.users.all();
    return { bans: all.filter((u) => u.removedReason === 'banned').map((u) => ({ userId: u.id, nickname: u.nickname })) };
  }

  /**
   * A banned account may rejoin with an invite again, like a kicked one. Same rules as ban: manage_members
   * and a target ranked below the actor (the operator, actor null, may always). Not an event: the account
   * stays removed until its owner signs up again.
   */
  unban(actor: Actor, p: ParsedParams<'member.unban'>): Promise<{ ok: true }> {
    const { store, access, queue } = this.d;
    const { userId } = p;
    return queue.submit(async () => {
      requirePermission(await access.view(), actor, 'manage_members', 'unban members');
      const user = await store.users.byId(userId);
      if (!user || user.removedReason !== 'banned') throw new ProtocolError('NOT_FOUND', 'no banned user by that id');
      if (rankOf(await access.view(), actor) <= (await access.view()).topPosition(userId)) throw new ProtocolError('FORBIDDEN', `${user.nickname} outranks you`);
      await store.users.setRemoved(userId, 'kicked');
      return { ok: true as const };
    });
  }

  /**
   * Slowmode: each member may send one message per `seconds` in the room (0 turns it off). Needs
   * moderate_messages; a room the actor cannot see answers like a missing one.
   */
  slowmode(actor: string, p: ParsedParams<'room.slowmode'>): Promise<{ room: Room }> {
    const { store, access, queue } = this.d;
    return queue.submit(async (w) => {
      const view = await access.view();
      const row = await store.rooms.get(p.roomId);
      if (!row || !view.canSeeRoom(actor, p.roomId)) throw roomNotFound();
      requirePermission(view, actor, 'moderate_messages', 'set slowmode');
      if (row.slowmodeSec !== p.seconds) {
        await store.rooms.setSlowmode(row.id, p.seconds);
        const room = await store.rooms.toWire({ ...row, slowmodeSec: p.seconds });
        w.emit({ type: 'room.updated', roomId: row.id, actorId: actor }, { room });
        return { room };
      }
      return { room: await store.rooms.toWire(row) };
    });
  }
}
