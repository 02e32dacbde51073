import type { ParsedParams, Room } from '@open-discord/protocol';
import { isCommunityRoom, nameProblem, ProtocolError, ROOM_NAME_RE } from '@open-discord/protocol';
import { nameKey } from '../../text/name-key.js';
import type { AccessView } from '../../core/access.js';
import type { ServiceDeps } from '../../core/deps.js';
import { requirePermission } from '../../core/authority.js';
import type { MembershipService } from '../membership/service.js';
import { roomNotFound } from './errors.js';
import { positionAfter } from './places.js';
import type { RoomRow } from './repository.js';

function checkName(name: string): void {
  const problem = nameProblem(name);
  if (problem !== null) throw new ProtocolError('BAD_REQUEST', problem);
  if (!ROOM_NAME_RE.test(name)) {
    throw new ProtocolError('BAD_REQUEST', 'room names may contain letters, digits, _ and - only');
  }
}

/** manage_rooms, or the room's creator holding manage_own_rooms. */
export function mayManageRoom(view: AccessView, userId: string | null, row: RoomRow): boolean {
  if (userId === null || view.hasPermission(userId, 'manage_rooms')) return true;
  return row.createdBy === userId && view.hasPermission(userId, 'manage_own_rooms');
}

/** Room creation and updates. Restriction and membership changes live in access-admin.ts. */
export class RoomsService {
  constructor(
    private readonly d: ServiceDeps,
    private readonly membership: MembershipService,
  ) {}

  /** Visible rooms, for `state`. */
  async visibleRooms(userId: string): Promise<Room[]> {
    const { store, access } = this.d;
    const view = await access.view();
    const rows = (await store.rooms.all()).filter((r) => !r.deleted && view.canSeeRoom(userId, r.id));
    const rooms: Room[] = [];
    for (const r of rows) rooms.push(await store.rooms.toWire(r));
    return rooms;
  }

  create(userId: string, p: ParsedParams<'room.create'>): Promise<{ room: Room }> {
    const { store, access, queue } = this.d;
    checkName(p.name);
    return queue.submit(async (w) => {
      if (!(await access.view()).hasPermission(userId, 'create_rooms')) {
        throw new ProtocolError('FORBIDDEN', 'you may not create rooms here');
      }
      const categoryId = p.categoryId ?? null;
      const view = await access.view();
      if (categoryId !== null && !await store.categories.get(categoryId)) {
        throw new ProtocolError('NOT_FOUND', 'category not found');
      }
      if (await this.nameTaken(userId, p.name, null)) throw new ProtocolError('CONFLICT', `a room named ${p.name} already exists`);
      // Born restricted, in the same write: `room.created` only ever reaches those who may see the room.
      let restrictedTo: string[] | null = null;
      if (p.restrictedTo !== undefined) {
        if (!(await access.view()).hasPermission(userId, 'manage_rooms')) {
          throw new ProtocolError('FORBIDDEN', 'you need the manage_rooms permission to restrict rooms');
        }
        for (const r of p.restrictedTo) if (!await store.roles.get(r)) throw new ProtocolError('NOT_FOUND', `role not found: ${r}`);
        restrictedTo = [...new Set(p.restrictedTo)].sort();
      }
      const row: Omit<RoomRow, 'deleted' | 'slowmodeSec'> = {
        id: this.d.newId(),
        name: p.name,
        topic: p.topic ?? '',
        kind: p.kind ?? 'text',
        categoryId,
        // After the last room of the category that the creator can see; rooms hidden from them do not count.
        position: positionAfter(
          (await store.rooms.all()).filter((r) => !r.deleted && isCommunityRoom(r.kind) && r.categoryId === categoryId && view.canSeeRoom(userId, r.id)),
        ),
        restrictedTo,
        createdBy: userId,
        createdAt: w.now,
        autoJoin: false,
      };
      await store.rooms.insert(row);
      const room = await store.rooms.toWire({ ...row, deleted: false, slowmodeSec: 0 });
      w.emit({ type: 'room.created', roomId: room.id, actorId: userId }, { room });
      // The creator is in the room they made (implied by room.created); others join when they choose.
      await this.membership.joinImplied(userId, room.id);
      return { room };
    });
  }

  /**
   * The first room of a fresh community (`#general`), written as a real `room.created` by the server, so
   * sync and replay see it like any other. Called once, on a data folder whose log is empty.
   */
  createFirstRoom(name: string): Promise<{ room: Room }> {
    const { store, queue } = this.d;
    checkName(name);
    return queue.submit(async (w) => {
      const row: Omit<RoomRow, 'deleted' | 'slowmodeSec'> = {
        id: this.d.newId(),
        name,
        topic: '',
        kind: 'text',
        categoryId: null,
        position: 0,
        restrictedTo: null,
        createdBy: null,
        createdAt: w.now,
        // Everyone joins it at sign-up.
        autoJoin: true,
      };
      await store.rooms.insert(row);
      const room = await store.rooms.toWire({ ...row, deleted: false, slowmodeSec: 0 });
      w.emit({ type: 'room.created', roomId: room.id, actorId: null }, { room });
      return { room };
    });
  }

  /**
   * Renaming and setting the topic need manage_rooms, or being the room's creator while holding
   * manage_own_rooms (which `everyone` holds by default; the owner may take it away).
   */
  update(userId: string, p: ParsedParams<'room.update'>): Promise<{ room: Room }> {
    const { store, access, queue } = this.d;
    if (p.name !== undefined) checkName(p.name);
    return queue.submit(async (w) => {
      const row = await store.rooms.get(p.roomId);
      // The same work for a missing and a hidden room: the visibility check runs either way.
      const visible = (await access.view()).canSeeRoom(userId, p.roomId);
      if (!row || !visible) throw roomNotFound();
      // A chat is managed by its own admins (group.update), never by the server's room permissions.
      if (!isCommunityRoom(row.kind)) throw new ProtocolError('BAD_REQUEST', 'a direct or group chat is changed with group.update');
      if (!mayManageRoom(await access.view(), userId, row)) {
        throw new ProtocolError('FORBIDDEN', 'you need the manage_rooms permission to change this room (or manage_own_rooms, for a room you created)');
      }
      if (p.name !== undefined && (await this.nameTaken(userId, p.name, row.id))) {
        throw new ProtocolError('CONFLICT', `a room named ${p.name} already exists`);
      }
      if (p.autoJoin !== undefined && p.autoJoin !== row.autoJoin) {
        requirePermission(await access.view(), userId, 'manage_rooms', 'choose the default rooms');
        if (!isCommunityRoom(row.kind)) throw new ProtocolError('BAD_REQUEST', 'only text rooms can be default rooms');
      }
      const next: RoomRow = { ...row, name: p.name ?? row.name, topic: p.topic ?? row.topic, autoJoin: p.autoJoin ?? row.autoJoin };
      await store.rooms.update(next);
      const room = await store.rooms.toWire(next);
      w.emit({ type: 'room.updated', roomId: room.id, actorId: userId }, { room });
      return { room };
    });
  }

  /**
   * Text room names are unique by name key (case, compatibility forms and look-alikes folded) among the rooms the caller can see, so `/join name` is
   * unambiguous for them. Only among those: refusing a name because a room hidden from the caller holds it
   * would tell them that room exists (and its name). The owner sees every text room, so their names never
   * clash; a member may later see two rooms of the same name if a hidden one is opened to them, and then
   * tells them apart by category or renames one.
   */
  private async nameTaken(userId: string, name: string, self: string | null): Promise<boolean> {
    const lc = nameKey(name);
    const { store, access } = this.d;
    const view = await access.view();
    return (await store.rooms.all()).some(
      (r) => r.id !== self && !r.deleted && isCommunityRoom(r.kind) && nameKey(r.name) === lc && view.canSeeRoom(userId, r.id),
    );
  }
}
