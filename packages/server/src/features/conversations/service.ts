import type { ParsedParams, Room } from '@open-discord/protocol';
import { GROUP_MEMBERS_MAX, ProtocolError } from '@open-discord/protocol';
import type { WriteContext } from '../../core/commit-queue.js';
import type { ServiceDeps } from '../../core/deps.js';
import type { ReadMarkersService } from '../read-markers/service.js';
import { refuseIfBlocked } from '../blocks/rules.js';
import { roomNotFound } from '../rooms/errors.js';
import type { ThreadsService } from '../threads/service.js';
import type { RoomRow } from '../rooms/repository.js';
import { dmKey } from './repository.js';

const userNotFound = () => new ProtocolError('NOT_FOUND', 'user not found');

/**
 * Direct and group chats. Both are rooms that only their members see (the access rules already say so, for
 * the server's owner too), so every change of members is a visibility change: the access rules are rebuilt
 * on the events written here, a removed member receives nothing of the chat from that commit on, and
 * whoever gains or loses the chat is told with `access.changed` (their client reloads `state`).
 */
export class ConversationsService {
  constructor(
    private readonly d: ServiceDeps,
    private readonly readMarkers: ReadMarkersService,
    private readonly threads: ThreadsService,
  ) {}

  /** The direct chat with `p.userId`: the existing one of the pair, or a new one both are in. */
  openDm(userId: string, p: ParsedParams<'dm.open'>): Promise<{ room: Room }> {
    const { store } = this.d;
    if (p.userId === userId) throw new ProtocolError('BAD_REQUEST', 'a direct chat needs someone else');
    return this.d.queue.submit(async (w) => {
      await this.activeUser(p.userId);
      await refuseIfBlocked(store, userId, p.userId);
      const key = dmKey([userId, p.userId]);
      const existing = await store.conversations.dmRoom(key);
      if (existing !== null) {
        const row = await store.rooms.get(existing);
        if (row && !row.deleted) return { room: await store.rooms.toWire(row) };
      }
      // No name of its own: each side shows the other's nickname (or a local name).
      const room = await this.createIn(w, userId, 'dm', '', [userId, p.userId]);
      await store.conversations.setDmRoom(key, room.id);
      return { room };
    });
  }

  createGroup(userId: string, p: ParsedParams<'group.create'>): Promise<{ room: Room }> {
    return this.d.queue.submit(async (w) => {
      const members = [...new Set([userId, ...p.userIds])];
      for (const id of members) await this.activeUser(id);
      for (const id of members) if (id !== userId) await refuseIfBlocked(this.d.store, userId, id);
      return { room: await this.createIn(w, userId, 'group', p.name, members, [userId]) };
    });
  }

  /** Add a member: the group's admins. Adding a member again writes nothing. */
  add(actorId: string, p: ParsedParams<'group.add'>): Promise<{ room: Room }> {
    const { store } = this.d;
    return this.d.queue.submit(async (w) => {
      const row = await this.group(actorId, p.roomId);
      await this.mustManage(actorId, row);
      await this.activeUser(p.userId);
      const view = await this.d.access.view();
      if (!view.isMember(p.userId, row.id)) {
        await refuseIfBlocked(store, actorId, p.userId);
        if ((view.room(row.id)?.joined.size ?? 0) >= GROUP_MEMBERS_MAX) {
          throw new ProtocolError('BAD_REQUEST', `a group chat has at most ${GROUP_MEMBERS_MAX} members`);
        }
        await store.rooms.addMember(row.id, p.userId);
        const joined = w.emit({ type: 'room.joined', roomId: row.id, actorId }, { roomId: row.id, userId: p.userId });
        // What was said before the newcomer arrived is not unread for them.
        await this.readMarkers.markIn(w, p.userId, row.id, joined.order);
        await this.threads.rejoined(w, p.userId, row.id);
        w.emit({ type: 'access.changed', roomId: null, actorId, targetUserId: p.userId }, { userId: p.userId });
      }
      return { room: await store.rooms.toWire(row) };
    });
  }

  /**
   * Remove a member (the group's admins; only the owner removes another admin, no one else the owner),
   * or leave (anyone, themself). Removing a non-member writes nothing. A member who goes is no admin either.
   */
  remove(actorId: string, p: ParsedParams<'group.remove'>): Promise<{ ok: true }> {
    const { store } = this.d;
    return this.d.queue.submit(async (w) => {
      const row = await this.group(actorId, p.roomId);
      if (p.userId !== actorId) {
        await this.mustManage(actorId, row);
        const targetIsAdmin = (await store.conversations.admins(row.id)).includes(p.userId);
        if (p.userId === row.createdBy || (targetIsAdmin && actorId !== row.createdBy)) {
          throw new ProtocolError('FORBIDDEN', "only the group's owner removes its admins, and no one removes its owner");
        }
      }
      if (!(await this.d.access.view()).isMember(p.userId, row.id)) return { ok: true as const };
      await store.rooms.removeMember(row.id, p.userId);
      await store.conversations.setAdmin(row.id, p.userId, false);
      w.emit({ type: 'room.left', roomId: row.id, actorId }, { roomId: row.id, userId: p.userId });
      w.emit({ type: 'access.changed', roomId: null, actorId, targetUserId: p.userId }, { userId: p.userId });
      // Its owner leaving hands the group on (a group without an owner could never get new admins): to the
      // longest-standing admin, else the longest-standing member. The last member leaving leaves it ownerless.
      if (row.createdBy === p.userId) {
        const heir = await store.conversations.successor(row.id);
        if (heir !== null) await this.handOver(w, actorId, row, heir);
      }
      return { ok: true as const };
    });
  }

  /** Rename the group or set its topic: the group's admins. */
  update(actorId: string, p: ParsedParams<'group.update'>): Promise<{ room: Room }> {
    const { store } = this.d;
    return this.d.queue.submit(async (w) => {
      const row = await this.group(actorId, p.roomId);
      await this.mustManage(actorId, row);
      const next: RoomRow = { ...row, name: p.name ?? row.name, topic: p.topic ?? row.topic };
      if (next.name === row.name && next.topic === row.topic) return { room: await store.rooms.toWire(row) };
      await store.rooms.update(next);
      const room = await store.rooms.toWire(next);
      w.emit({ type: 'room.updated', roomId: room.id, actorId }, { room });
      return { room };
    });
  }

  /** Make a member an admin of the group or not: its owner only (who stays one). A no-op writes nothing. */
  setAdmin(actorId: string, p: ParsedParams<'group.admin'>): Promise<{ room: Room }> {
    const { store } = this.d;
    return this.d.queue.submit(async (w) => {
      const row = await this.group(actorId, p.roomId);
      if (row.createdBy !== actorId) throw new ProtocolError('FORBIDDEN', "only the group's owner chooses its admins");
      if (p.userId === row.createdBy) throw new ProtocolError('BAD_REQUEST', "the group's owner is always one of its admins");
      if (!(await this.d.access.view()).isMember(p.userId, row.id)) throw new ProtocolError('NOT_FOUND', 'no such member in this group');
      if ((await store.conversations.admins(row.id)).includes(p.userId) === p.admin) return { room: await store.rooms.toWire(row) };
      await store.conversations.setAdmin(row.id, p.userId, p.admin);
      const room = await store.rooms.toWire(row);
      w.emit({ type: 'room.updated', roomId: room.id, actorId }, { room });
      return { room };
    });
  }

  /**
   * Hand the group to another of its members: its owner only. The new owner is made an admin (an owner
   * always is); the former owner stays one (the new owner may change that). Handing it to oneself writes nothing.
   */
  transfer(actorId: string, p: ParsedParams<'group.transfer'>): Promise<{ room: Room }> {
    const { store } = this.d;
    return this.d.queue.submit(async (w) => {
      const row = await this.group(actorId, p.roomId);
      if (row.createdBy !== actorId) throw new ProtocolError('FORBIDDEN', "only the group's owner hands it on");
      if (!(await this.d.access.view()).isMember(p.userId, row.id)) throw new ProtocolError('NOT_FOUND', 'no such member in this group');
      if (p.userId === actorId) return { room: await store.rooms.toWire(row) };
      return { room: await this.handOver(w, actorId, row, p.userId) };
    });
  }

  /** Make `heir` the group's owner and an admin, and tell its members (`room.updated`). */
  private async handOver(w: WriteContext, actorId: string, row: RoomRow, heir: string): Promise<Room> {
    const { store } = this.d;
    await store.conversations.setOwner(row.id, heir);
    await store.conversations.setAdmin(row.id, heir, true);
    const room = await store.rooms.toWire({ ...row, createdBy: heir });
    w.emit({ type: 'room.updated', roomId: room.id, actorId }, { room });
    return room;
  }

  /** A new chat with its members in it from the start, announced to them (and only them) by `room.created`. */
  private async createIn(w: WriteContext, userId: string, kind: 'dm' | 'group', name: string, members: string[], admins: string[] = []): Promise<Room> {
    const { store } = this.d;
    const row: Omit<RoomRow, 'deleted' | 'slowmodeSec'> = {
      id: this.d.newId(),
      name,
      topic: '',
      kind,
      categoryId: null,
      position: 0,
      restrictedTo: null,
      createdBy: userId,
      createdAt: w.now,
      autoJoin: false,
    };
    await store.rooms.insert(row);
    for (const id of members) await store.rooms.addMember(row.id, id);
    for (const id of admins) await store.conversations.setAdmin(row.id, id, true);
    const room = await store.rooms.toWire({ ...row, deleted: false, slowmodeSec: 0 });
    w.emit({ type: 'room.created', roomId: room.id, actorId: userId }, { room });
    return room;
  }

  /**
   * A group chat the user is in. A chat they are not in answers like a missing room (they cannot see it);
   * a text room or a direct chat they see is refused as the wrong kind.
   */
  private async group(userId: string, roomId: string): Promise<RoomRow> {
    const row = await this.d.store.rooms.get(roomId);
    const visible = (await this.d.access.view()).canSeeRoom(userId, roomId);
    if (!row || row.deleted || !visible) throw roomNotFound();
    if (row.kind !== 'group') throw new ProtocolError('BAD_REQUEST', 'that is not a group chat');
    return row;
  }

  private async mustManage(userId: string, row: RoomRow): Promise<void> {
    if (!(await this.d.store.conversations.admins(row.id)).includes(userId)) {
      throw new ProtocolError('FORBIDDEN', "only the group's admins can change its members, name or topic");
    }
  }

  private async activeUser(userId: string): Promise<void> {
    const u = await this.d.store.users.byId(userId);
    if (!u || u.removed) throw userNotFound();
  }
}
