import type { Room } from '@open-discord/protocol';
import { isCommunityRoom } from '@open-discord/protocol';
import type { RoomRow, RoomsRepository } from '../../features/rooms/repository.js';
import type { PgDb } from './db.js';

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

/** PostgreSQL implementation of the rooms feature's RoomsRepository (query for query SQLite's). */
export class PgRoomsRepo implements RoomsRepository {
  constructor(private readonly db: PgDb) {}

  async insert(r: Omit<RoomRow, 'deleted' | 'slowmodeSec'>): Promise<void> {
    await this.db.run(
      `INSERT INTO rooms (id, name, topic, kind, category_id, position, restricted_to, created_by, created_at, auto_join)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
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
      ],
    );
  }
  async get(id: string): Promise<RoomRow | null> {
    const r = await this.db.row<RawRoom>('SELECT * FROM rooms WHERE id = $1', [id]);
    return r ? toRoom(r) : null;
  }
  async all(): Promise<RoomRow[]> {
    return (await this.db.rows<RawRoom>('SELECT * FROM rooms ORDER BY position, created_at, id')).map(toRoom);
  }
  async update(r: RoomRow): Promise<void> {
    await this.db.run('UPDATE rooms SET name = $1, topic = $2, category_id = $3, position = $4, auto_join = $5 WHERE id = $6', [
      r.name,
      r.topic,
      r.categoryId,
      r.position,
      r.autoJoin ? 1 : 0,
      r.id,
    ]);
  }
  async setRestriction(roomId: string, roleIds: string[] | null): Promise<void> {
    await this.db.run('UPDATE rooms SET restricted_to = $1 WHERE id = $2', [roleIds === null ? null : JSON.stringify(roleIds), roomId]);
  }
  async markDeleted(roomId: string): Promise<void> {
    await this.db.run('UPDATE rooms SET deleted = 1 WHERE id = $1', [roomId]);
  }
  async setSlowmode(roomId: string, seconds: number): Promise<void> {
    await this.db.run('UPDATE rooms SET slowmode_sec = $1 WHERE id = $2', [seconds, roomId]);
  }
  async slowmoded(): Promise<Array<{ id: string; slowmodeSec: number }>> {
    const rows = await this.db.rows<{ id: string; s: number }>('SELECT id, slowmode_sec AS s FROM rooms WHERE slowmode_sec > 0 AND deleted = 0');
    return rows.map((r) => ({ id: r.id, slowmodeSec: r.s }));
  }
  async members(roomId: string): Promise<string[]> {
    return (await this.db.rows<{ user_id: string }>('SELECT user_id FROM room_members WHERE room_id = $1 ORDER BY user_id', [roomId])).map(
      (m) => m.user_id,
    );
  }
  async roomsOf(userId: string): Promise<string[]> {
    return (await this.db.rows<{ room_id: string }>('SELECT room_id FROM room_members WHERE user_id = $1', [userId])).map((m) => m.room_id);
  }
  async allMembers(): Promise<Array<{ roomId: string; userId: string }>> {
    return (await this.db.rows<{ room_id: string; user_id: string }>('SELECT room_id, user_id FROM room_members')).map((m) => ({
      roomId: m.room_id,
      userId: m.user_id,
    }));
  }
  async addMember(roomId: string, userId: string): Promise<void> {
    await this.db.run('INSERT INTO room_members (room_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [roomId, userId]);
  }
  async removeMember(roomId: string, userId: string): Promise<void> {
    await this.db.run('DELETE FROM room_members WHERE room_id = $1 AND user_id = $2', [roomId, userId]);
  }

  /** The wire shape of a room. */
  async toWire(r: RoomRow): Promise<Room> {
    const room: Room = {
      id: r.id,
      name: r.name,
      topic: r.topic,
      kind: r.kind,
      categoryId: r.categoryId,
      position: r.position,
      restrictedTo: r.restrictedTo,
    };
    if (!isCommunityRoom(r.kind)) room.members = await this.members(r.id);
    if (r.kind === 'group') {
      const admins = await this.db.rows<{ user_id: string }>('SELECT user_id FROM group_admins WHERE room_id = $1 ORDER BY user_id', [r.id]);
      room.admins = admins.map((a) => a.user_id);
    }
    if (r.kind === 'group' && r.createdBy !== null) room.owner = r.createdBy;
    if (r.autoJoin) room.autoJoin = true;
    if (r.slowmodeSec > 0) room.slowmodeSec = r.slowmodeSec;
    if (r.retentionSec !== undefined && r.retentionSec !== null) room.retentionSec = r.retentionSec;
    if (r.expiredThrough) room.expiredThrough = r.expiredThrough;
    return room;
  }
}
