import type { ParsedParams, Room } from '@open-discord/protocol';
import { nameProblem, ProtocolError, ROOM_NAME_RE } from '@open-discord/protocol';
import { nameKey } from '../../text/name-key.js';
import type { ServiceDeps } from '../../core/deps.js';
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
export function mayManageRoom(access: ServiceDeps['access'], userId: string | null, row: RoomRow): boolean {
  if (userId === null || access.hasPermission(userId, 'manage_rooms')) return true;
  return row.createdBy === userId && access.hasPermission(userId, 'manage_own_rooms');
}

/** Room creation and updates. Restriction and membership changes live in access-admin.ts. */
export class RoomsService {
  constructor(private readonly d: ServiceDeps) {}

  /** Visible rooms, for `state`. */
  visibleRooms(userId: string): Room[] {
    const { store, access } = this.d;
    return store.rooms
      .all()
      .filter((r) => !r.deleted && access.canSeeRoom(userId, r.id))
      .map((r) => store.rooms.toWire(r));
  }

  create(userId: string, p: ParsedParams<'room.create'>): Promise<{ room: Room }> {
    const { store, access, queue } = this.d;
    checkName(p.name);
    return queue.submit((w) => {
      if (!access.hasPermission(userId, 'create_rooms')) {
        throw new ProtocolError('FORBIDDEN', 'you may not create rooms here');
      }
      const categoryId = p.categoryId ?? null;
      if (categoryId !== null && !store.categories.get(categoryId)) {
        throw new ProtocolError('NOT_FOUND', 'category not found');
      }
      if (this.nameTaken(userId, p.name, null)) throw new ProtocolError('CONFLICT', `a room named ${p.name} already exists`);
      // Born restricted, in the same write: `room.created` only ever reaches those who may see the room.
      let restrictedTo: string[] | null = null;
      if (p.restrictedTo !== undefined) {
        if (!access.hasPermission(userId, 'manage_rooms')) {
          throw new ProtocolError('FORBIDDEN', 'you need the manage_rooms permission to restrict rooms');
        }
        for (const r of p.restrictedTo) if (!store.roles.get(r)) throw new ProtocolError('NOT_FOUND', `role not found: ${r}`);
        restrictedTo = [...new Set(p.restrictedTo)].sort();
      }
      const row: Omit<RoomRow, 'deleted'> = {
        id: this.d.newId(),
        name: p.name,
        topic: p.topic ?? '',
        kind: 'text',
        categoryId,
        // After the last room of the category that the creator can see; rooms hidden from them do not count.
        position: positionAfter(
          store.rooms.all().filter((r) => !r.deleted && r.kind === 'text' && r.categoryId === categoryId && access.canSeeRoom(userId, r.id)),
        ),
        restrictedTo,
        createdBy: userId,
        createdAt: w.now,
      };
      store.rooms.insert(row);
      const room = store.rooms.toWire({ ...row, deleted: false });
      w.emit({ type: 'room.created', roomId: room.id, actorId: userId }, { room });
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
    return queue.submit((w) => {
      const row: Omit<RoomRow, 'deleted'> = {
        id: this.d.newId(),
        name,
        topic: '',
        kind: 'text',
        categoryId: null,
        position: 0,
        restrictedTo: null,
        createdBy: null,
        createdAt: w.now,
      };
      store.rooms.insert(row);
      const room = store.rooms.toWire({ ...row, deleted: false });
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
    return queue.submit((w) => {
      const row = store.rooms.get(p.roomId);
      // The same work for a missing and a hidden room: the visibility check runs either way.
      const visible = access.canSeeRoom(userId, p.roomId);
      if (!row || !visible) throw roomNotFound();
      if (!mayManageRoom(access, userId, row)) {
        throw new ProtocolError('FORBIDDEN', 'you need the manage_rooms permission to change this room (or manage_own_rooms, for a room you created)');
      }
      if (p.name !== undefined && this.nameTaken(userId, p.name, row.id)) {
        throw new ProtocolError('CONFLICT', `a room named ${p.name} already exists`);
      }
      const next: RoomRow = { ...row, name: p.name ?? row.name, topic: p.topic ?? row.topic };
      store.rooms.update(next);
      const room = store.rooms.toWire(next);
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
  private nameTaken(userId: string, name: string, self: string | null): boolean {
    const lc = nameKey(name);
    const { store, access } = this.d;
    return store.rooms
      .all()
      .some((r) => r.id !== self && !r.deleted && r.kind === 'text' && nameKey(r.name) === lc && access.canSeeRoom(userId, r.id));
  }
}
