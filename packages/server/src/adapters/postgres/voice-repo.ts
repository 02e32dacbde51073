import type { VoiceRepository, VoiceRow } from '../../features/voice/repository.js';
import type { Sql } from './repo-sql.js';

interface Raw {
  room_id: string;
  user_id: string;
  slot: number;
  muted: number;
  deafened: number;
  joined_at: number;
}

const toRow = (r: Raw): VoiceRow => ({
  roomId: r.room_id,
  userId: r.user_id,
  slot: Number(r.slot),
  muted: Number(r.muted) !== 0,
  deafened: Number(r.deafened) !== 0,
  joinedAt: Number(r.joined_at),
});

const COLS = 'room_id, user_id, slot, muted, deafened, joined_at';

/**
 * PostgreSQL implementation of the voice feature's VoiceRepository (voice_participants: schema/voice.ts).
 * Ties in `joined_at` fall to `rowid`, the insertion order SQLite's implicit rowid gives.
 */
export class PgVoiceRepo implements VoiceRepository {
  constructor(private readonly db: Sql) {}

  async all(): Promise<VoiceRow[]> {
    return (await this.db.rows<Raw>(`SELECT ${COLS} FROM voice_participants ORDER BY joined_at, rowid`)).map(toRow);
  }
  async ofUser(userId: string): Promise<VoiceRow | null> {
    const r = await this.db.row<Raw>(`SELECT ${COLS} FROM voice_participants WHERE user_id = $1`, [userId]);
    return r ? toRow(r) : null;
  }
  async ofRoom(roomId: string): Promise<VoiceRow[]> {
    return (await this.db.rows<Raw>(`SELECT ${COLS} FROM voice_participants WHERE room_id = $1 ORDER BY joined_at, rowid`, [roomId])).map(toRow);
  }
  async add(r: VoiceRow): Promise<void> {
    await this.db.run('INSERT INTO voice_participants (room_id, user_id, slot, muted, deafened, joined_at) VALUES ($1, $2, $3, $4, $5, $6)', [
      r.roomId,
      r.userId,
      r.slot,
      r.muted ? 1 : 0,
      r.deafened ? 1 : 0,
      r.joinedAt,
    ]);
  }
  async remove(userId: string): Promise<void> {
    await this.db.run('DELETE FROM voice_participants WHERE user_id = $1', [userId]);
  }
  async setState(userId: string, muted: boolean, deafened: boolean): Promise<void> {
    await this.db.run('UPDATE voice_participants SET muted = $1, deafened = $2 WHERE user_id = $3', [muted ? 1 : 0, deafened ? 1 : 0, userId]);
  }
}
