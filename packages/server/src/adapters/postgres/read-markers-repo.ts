import type { ReadMarkersRepository } from '../../features/read-markers/repository.js';
import type { PgDb } from './db.js';

/** PostgreSQL implementation of the read-markers feature's ReadMarkersRepository (the read_markers table). */
export class PgReadMarkersRepo implements ReadMarkersRepository {
  constructor(private readonly db: PgDb) {}

  async marker(userId: string, roomId: string): Promise<number> {
    return (await this.db.row<{ event_order: number }>('SELECT event_order FROM read_markers WHERE user_id = $1 AND room_id = $2', [userId, roomId]))
      ?.event_order ?? 0;
  }
  async markers(userId: string): Promise<Map<string, number>> {
    const rows = await this.db.rows<{ room_id: string; event_order: number }>('SELECT room_id, event_order FROM read_markers WHERE user_id = $1', [userId]);
    return new Map(rows.map((r) => [r.room_id, r.event_order]));
  }
  async ofRoom(roomId: string): Promise<Map<string, number>> {
    const rows = await this.db.rows<{ user_id: string; event_order: number }>('SELECT user_id, event_order FROM read_markers WHERE room_id = $1', [roomId]);
    return new Map(rows.map((r) => [r.user_id, r.event_order]));
  }
  async set(userId: string, roomId: string, order: number): Promise<void> {
    await this.db.run(
      `INSERT INTO read_markers (user_id, room_id, event_order) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, room_id) DO UPDATE SET event_order = excluded.event_order`,
      [userId, roomId, order],
    );
  }
}
