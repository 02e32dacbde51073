import type { MessageRow, MessagesRepository } from '../../features/messages/repository.js';
import type { PgDb } from './db.js';
import { type RawMessage, toMessageRow as toRow } from './raw-message.js';
import { num } from './repo-sql.js';

/** A message the room shows: not a thread-only reply. */
const IN_ROOM = '(thread_id IS NULL OR also_in_room = 1)';

/** PostgreSQL implementation of the messages feature's MessagesRepository (query for query SQLite's). */
export class PgMessagesRepo implements MessagesRepository {
  constructor(private readonly db: PgDb) {}

  async insert(m: MessageRow, privateMentions: readonly string[] = []): Promise<void> {
    await this.db.run(
      `INSERT INTO messages (id, room_id, author_id, text, nonce, action, mentions, event_order, created_at, attachments, thread_id, also_in_room)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        m.id,
        m.roomId,
        m.authorId,
        m.text,
        m.nonce,
        m.action ? 1 : 0,
        m.mentions.length ? JSON.stringify(m.mentions) : null,
        m.order,
        m.createdAt,
        m.attachments?.length ? JSON.stringify(m.attachments) : null,
        m.threadId ?? null,
        m.alsoInRoom ? 1 : 0,
      ],
    );
    const mentioned = [...m.mentions, ...privateMentions];
    if (mentioned.length) {
      // One statement for every mention (SQLite: one cheap insert each); duplicates are ignored as there.
      await this.db.run(
        `INSERT INTO message_mentions (message_id, user_id, room_id, event_order, thread_only)
         SELECT $1, u, $2, $3, $4 FROM unnest($5::text[]) AS u ON CONFLICT DO NOTHING`,
        [m.id, m.roomId, m.order, m.threadId && !m.alsoInRoom ? 1 : 0, mentioned],
      );
    }
  }
  async get(id: string): Promise<MessageRow | null> {
    const r = await this.db.row<RawMessage>('SELECT * FROM messages WHERE id = $1', [id]);
    return r ? toRow(r) : null;
  }
  /** Along messages_author from the newest: stops at the author's latest message in the room. */
  async lastSentAt(authorId: string, roomId: string): Promise<number | null> {
    const r = await this.db.row<{ created_at: number }>(
      'SELECT created_at FROM messages WHERE author_id = $1 AND room_id = $2 ORDER BY event_order DESC LIMIT 1',
      [authorId, roomId],
    );
    return r?.created_at ?? null;
  }
  async byNonce(authorId: string, nonce: string): Promise<MessageRow | null> {
    const r = await this.db.row<RawMessage>('SELECT * FROM messages WHERE author_id = $1 AND nonce = $2', [authorId, nonce]);
    return r ? toRow(r) : null;
  }
  async before(roomId: string, before: number, limit: number): Promise<MessageRow[]> {
    const rows = await this.db.rows<RawMessage>(
      `SELECT * FROM messages WHERE room_id = $1 AND event_order < $2 AND deleted = 0 AND ${IN_ROOM}
       ORDER BY event_order DESC LIMIT $3`,
      [roomId, before, limit],
    );
    return rows.map(toRow);
  }
  /**
   * Live messages by others after the user's read marker, exactly: the maintained counters
   * (schema/unread-counters.ts), two rows whatever the backlog; a room with no counter row (a user who never
   * joined nor marked it) is counted along messages_room_order, as in SQLite.
   */
  async unreadCount(userId: string, roomId: string, marker: number): Promise<number> {
    const kept = await this.db.row<{ n: number }>(
      `SELECT r.msg_seq - rr.marker_seq - rr.own_after - rr.gone_after AS n
       FROM room_reads rr JOIN rooms r ON r.id = rr.room_id WHERE rr.user_id = $1 AND rr.room_id = $2`,
      [userId, roomId],
    );
    if (kept) return num(kept.n);
    const r = await this.db.row<{ n: number }>(
      `SELECT COUNT(*) AS n FROM messages WHERE room_id = $1 AND event_order > $2 AND deleted = 0 AND author_id != $3 AND ${IN_ROOM}`,
      [roomId, marker, userId],
    );
    return num(r?.n);
  }
  async mentionCounts(userId: string): Promise<Map<string, number>> {
    const rows = await this.db.rows<{ room_id: string; n: number }>(
      `SELECT rm.room_id, (
         SELECT COUNT(*) FROM message_mentions mm
         WHERE mm.user_id = rm.user_id AND mm.room_id = rm.room_id AND mm.event_order > COALESCE(r.event_order, 0)
           AND mm.thread_only = 0) AS n
       FROM room_members rm LEFT JOIN read_markers r ON r.user_id = rm.user_id AND r.room_id = rm.room_id
       WHERE rm.user_id = $1`,
      [userId],
    );
    return new Map(rows.flatMap((r) => (r.n > 0 ? [[r.room_id, r.n] as const] : [])));
  }
  async edit(id: string, text: string, editedAt: number): Promise<void> {
    await this.db.run('UPDATE messages SET text = $1, edited_at = $2 WHERE id = $3', [text, editedAt, id]);
  }
  /** Deleting removes the content from the projection; the row stays so ids and orders keep resolving. */
  async markDeleted(id: string): Promise<void> {
    await this.db.run("UPDATE messages SET deleted = 1, text = '', mentions = NULL, attachments = NULL WHERE id = $1", [id]);
    await this.db.run('DELETE FROM message_mentions WHERE message_id = $1', [id]);
  }
}
