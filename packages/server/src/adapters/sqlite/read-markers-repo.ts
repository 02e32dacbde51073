import type { ReadMarkersRepository } from '../../features/read-markers/repository.js';
import type { Db } from './db.js';

/** SQLite implementation of the read-markers feature's ReadMarkersRepository (the read_markers table). */
export class SqliteReadMarkersRepo implements ReadMarkersRepository {
  private readonly s;
  constructor(db: Db) {
    this.s = {
      marker: db.prepare<[string, string], { event_order: number }>(
        'SELECT event_order FROM read_markers WHERE user_id = ? AND room_id = ?',
      ),
      markers: db.prepare<[string], { room_id: string; event_order: number }>(
        'SELECT room_id, event_order FROM read_markers WHERE user_id = ?',
      ),
      ofRoom: db.prepare<[string], { user_id: string; event_order: number }>(
        'SELECT user_id, event_order FROM read_markers WHERE room_id = ?',
      ),
      setMarker: db.prepare(
        `INSERT INTO read_markers (user_id, room_id, event_order) VALUES (?, ?, ?)
         ON CONFLICT (user_id, room_id) DO UPDATE SET event_order = excluded.event_order`,
      ),
    };
  }

  marker(userId: string, roomId: string): number {
    return this.s.marker.get(userId, roomId)?.event_order ?? 0;
  }
  markers(userId: string): Map<string, number> {
    return new Map(this.s.markers.all(userId).map((r) => [r.room_id, r.event_order]));
  }
  ofRoom(roomId: string): Map<string, number> {
    return new Map(this.s.ofRoom.all(roomId).map((r) => [r.user_id, r.event_order]));
  }
  set(userId: string, roomId: string, order: number): void {
    this.s.setMarker.run(userId, roomId, order);
  }
}
