import type { VoiceRepository, VoiceRow } from '../../features/voice/repository.js';
import type { Db } from './db.js';

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
  slot: r.slot,
  muted: r.muted !== 0,
  deafened: r.deafened !== 0,
  joinedAt: r.joined_at,
});

/** SQLite implementation of the voice feature's VoiceRepository (the voice_participants table). */
export class SqliteVoiceRepo implements VoiceRepository {
  private readonly s;
  constructor(db: Db) {
    const cols = 'room_id, user_id, slot, muted, deafened, joined_at';
    this.s = {
      all: db.prepare<[], Raw>(`SELECT ${cols} FROM voice_participants ORDER BY joined_at, rowid`),
      ofUser: db.prepare<[string], Raw>(`SELECT ${cols} FROM voice_participants WHERE user_id = ?`),
      ofRoom: db.prepare<[string], Raw>(`SELECT ${cols} FROM voice_participants WHERE room_id = ? ORDER BY joined_at, rowid`),
      add: db.prepare<[string, string, number, number, number, number]>(
        'INSERT INTO voice_participants (room_id, user_id, slot, muted, deafened, joined_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      remove: db.prepare<[string]>('DELETE FROM voice_participants WHERE user_id = ?'),
      setState: db.prepare<[number, number, string]>('UPDATE voice_participants SET muted = ?, deafened = ? WHERE user_id = ?'),
    };
  }

  all(): VoiceRow[] {
    return this.s.all.all().map(toRow);
  }
  ofUser(userId: string): VoiceRow | null {
    const r = this.s.ofUser.get(userId);
    return r ? toRow(r) : null;
  }
  ofRoom(roomId: string): VoiceRow[] {
    return this.s.ofRoom.all(roomId).map(toRow);
  }
  add(r: VoiceRow): void {
    this.s.add.run(r.roomId, r.userId, r.slot, r.muted ? 1 : 0, r.deafened ? 1 : 0, r.joinedAt);
  }
  remove(userId: string): void {
    this.s.remove.run(userId);
  }
  setState(userId: string, muted: boolean, deafened: boolean): void {
    this.s.setState.run(muted ? 1 : 0, deafened ? 1 : 0, userId);
  }
}
