import type { Room } from '@open-discord/protocol';
import { isCommunityRoom } from '@open-discord/protocol';
import type { RoomRow, RoomsRepository } from '../../features/rooms/repository.js';
import type { Db } from './db.js';

interface RawRoom {
  id: string;
  name: string;
  topic: string;
  kind: string;
  category_id: string | null;
  position: number;
  restricted_to: string | null;
  created_by: string | null;
  created_at: number;
  deleted: number;
  auto_join: number;
  slowmode_sec: number;
  retention_sec: number | null;
  expired_through: number;
}

const toRoom = (r: RawRoom): RoomRow => ({
  id: r.id,
  name: r.name,
  topic: r.topic,
  kind: r.kind as RoomRow['kind'],
  categoryId: r.category_id,
  position: r.position,
  restrictedTo: r.restricted_to === null ? null : (JSON.parse(r.restricted_to) as string[]),
  createdBy: r.created_by,
  createdAt: r.created_at,
  deleted: r.deleted !== 0,
  autoJoin: r.auto_join !== 0,
  slowmodeSec: r.slowmode_sec,
  retentionSec: r.retention_sec,
  expiredThrough: r.expired_through,
});

/** SQLite implementation of the rooms feature's RoomsRepository. */
export class SqliteRoomsRepo implements RoomsRepository {
  private readonly s;
  constructor(db: Db) {
    this.s = {
      insert: db.prepare(
        `INSERT INTO rooms (id, name, topic, kind, category_id, position, restricted_to, created_by, created_at, auto_join)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      get: db.prepare<[string], RawRoom>('SELECT * FROM rooms WHERE id = ?'),
      all: db.prepare<[], RawRoom>('SELECT * FROM rooms ORDER BY position, created_at, id'),
      update: db.prepare('UPDATE rooms SET name = ?, topic = ?, category_id = ?, position = ?, auto_join = ? WHERE id = ?'),
      roomsOf: db.prepare<[string], { room_id: string }>('SELECT room_id FROM room_members WHERE user_id = ?'),
      restrict: db.prepare('UPDATE rooms SET restricted_to = ? WHERE id = ?'),
      markDeleted: db.prepare('UPDATE rooms SET deleted = 1 WHERE id = ?'),
      setSlowmode: db.prepare('UPDATE rooms SET slowmode_sec = ? WHERE id = ?'),
      slowmoded: db.prepare<[], { id: string; s: number }>('SELECT id, slowmode_sec AS s FROM rooms WHERE slowmode_sec > 0 AND deleted = 0'),
      members: db.prepare<[string], { user_id: string }>('SELECT user_id FROM room_members WHERE room_id = ? ORDER BY user_id'),
      allMembers: db.prepare<[], { room_id: string; user_id: string }>('SELECT room_id, user_id FROM room_members'),
      addMember: db.prepare('INSERT OR IGNORE INTO room_members (room_id, user_id) VALUES (?, ?)'),
      removeMember: db.prepare('DELETE FROM room_members WHERE room_id = ? AND user_id = ?'),
      admins: db.prepare<[string], { user_id: string }>('SELECT user_id FROM group_admins WHERE room_id = ? ORDER BY user_id'),
    };
  }

  insert(r: Omit<RoomRow, 'deleted' | 'slowmodeSec'>): void {
    this.s.insert.run(
      r.id,
      r.name,
      r.topic,
      r.kind,
      r.categoryId,
      r.position,
      r.restrictedTo === null ? null : JSON.stringify(r.restrictedTo),
      r.createdBy,
      r.createdAt,
      r.autoJoin ? 1 : 0,
    );
  }
  get(id: string): RoomRow | null {
    const r = this.s.get.get(id);
    return r ? toRoom(r) : null;
  }
  /** Every room including deleted ones (the access index needs them to judge old events). */
  all(): RoomRow[] {
    return this.s.all.all().map(toRoom);
  }
  update(r: RoomRow): void {
    this.s.update.run(r.name, r.topic, r.categoryId, r.position, r.autoJoin ? 1 : 0, r.id);
  }
  /** null opens the room to everyone. */
  setRestriction(roomId: string, roleIds: string[] | null): void {
    this.s.restrict.run(roleIds === null ? null : JSON.stringify(roleIds), roomId);
  }
  markDeleted(roomId: string): void {
    this.s.markDeleted.run(roomId);
  }
  setSlowmode(roomId: string, seconds: number): void {
    this.s.setSlowmode.run(seconds, roomId);
  }
  slowmoded(): Array<{ id: string; slowmodeSec: number }> {
    return this.s.slowmoded.all().map((r) => ({ id: r.id, slowmodeSec: r.s }));
  }
  members(roomId: string): string[] {
    return this.s.members.all(roomId).map((m) => m.user_id);
  }
  roomsOf(userId: string): string[] {
    return this.s.roomsOf.all(userId).map((m) => m.room_id);
  }
  allMembers(): Array<{ roomId: string; userId: string }> {
    return this.s.allMembers.all().map((m) => ({ roomId: m.room_id, userId: m.user_id }));
  }
  addMember(roomId: string, userId: string): void {
    this.s.addMember.run(roomId, userId);
  }
  removeMember(roomId: string, userId: string): void {
    this.s.removeMember.run(roomId, userId);
  }

  /** The wire shape of a room. */
  toWire(r: RoomRow): Room {
    const room: Room = {
      id: r.id,
      name: r.name,
      topic: r.topic,
      kind: r.kind,
      categoryId: r.categoryId,
      position: r.position,
      restrictedTo: r.restrictedTo,
    };
    if (!isCommunityRoom(r.kind)) room.members = this.members(r.id);
    if (r.kind === 'group') room.admins = this.s.admins.all(r.id).map((a) => a.user_id);
    if (r.kind === 'group' && r.createdBy !== null) room.owner = r.createdBy;
    if (r.autoJoin) room.autoJoin = true;
    if (r.slowmodeSec > 0) room.slowmodeSec = r.slowmodeSec;
    if (r.retentionSec !== undefined && r.retentionSec !== null) room.retentionSec = r.retentionSec;
    if (r.expiredThrough) room.expiredThrough = r.expiredThrough;
    return room;
  }
}
