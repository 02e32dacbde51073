import type { Db } from './db.js';
import { type MessageRow, type MessagesRepository, UNREAD_COUNT_CAP } from '../../features/messages/repository.js';

export interface RawMessage {
  id: string;
  room_id: string;
  author_id: string;
  text: string;
  nonce: string | null;
  action: number;
  mentions: string | null;
  event_order: number;
  created_at: number;
  edited_at: number | null;
  deleted: number;
}

export const toRow = (r: RawMessage): MessageRow => ({
  id: r.id,
  roomId: r.room_id,
  authorId: r.author_id,
  text: r.text,
  nonce: r.nonce,
  action: r.action !== 0,
  mentions: r.mentions ? (JSON.parse(r.mentions) as string[]) : [],
  order: r.event_order,
  createdAt: r.created_at,
  editedAt: r.edited_at,
  deleted: r.deleted !== 0,
});

/** SQLite implementation of the messages feature's MessagesRepository. */
export class SqliteMessagesRepo implements MessagesRepository {
  private readonly s;
  constructor(db: Db) {
    this.s = {
      insert: db.prepare(
        `INSERT INTO messages (id, room_id, author_id, text, nonce, action, mentions, event_order, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertMention: db.prepare(
        'INSERT OR IGNORE INTO message_mentions (message_id, user_id, room_id, event_order) VALUES (?, ?, ?, ?)',
      ),
      get: db.prepare<[string], RawMessage>('SELECT * FROM messages WHERE id = ?'),
      byNonce: db.prepare<[string, string], RawMessage>('SELECT * FROM messages WHERE author_id = ? AND nonce = ?'),
      before: db.prepare<[string, number, number], RawMessage>(
        `SELECT * FROM messages WHERE room_id = ? AND event_order < ? AND deleted = 0
         ORDER BY event_order DESC LIMIT ?`,
      ),
      // One room at a time along messages_room_order, stopping at the cap: the cost is bounded by the cap,
      // not by how far behind the reader is.
      unread: db.prepare<[string, number, string, number], { n: number }>(
        `SELECT COUNT(*) AS n FROM (
           SELECT 1 FROM messages WHERE room_id = ? AND event_order > ? AND deleted = 0 AND author_id != ? LIMIT ?)`,
      ),
      mentions: db.prepare<[string], { room_id: string; n: number }>(
        `SELECT mm.room_id, COUNT(*) AS n FROM message_mentions mm
         JOIN messages m ON m.id = mm.message_id AND m.deleted = 0
         LEFT JOIN read_markers r ON r.user_id = mm.user_id AND r.room_id = mm.room_id
         WHERE mm.user_id = ? AND mm.event_order > COALESCE(r.event_order, 0)
         GROUP BY mm.room_id`,
      ),
      edit: db.prepare('UPDATE messages SET text = ?, edited_at = ? WHERE id = ?'),
      // Deleting removes the content from the projection; the row stays so ids and orders keep resolving.
      markDeleted: db.prepare("UPDATE messages SET deleted = 1, text = '', mentions = NULL WHERE id = ?"),
      deleteMentions: db.prepare('DELETE FROM message_mentions WHERE message_id = ?'),
    };
  }

  insert(m: MessageRow, privateMentions: readonly string[] = []): void {
    this.s.insert.run(
      m.id,
      m.roomId,
      m.authorId,
      m.text,
      m.nonce,
      m.action ? 1 : 0,
      m.mentions.length ? JSON.stringify(m.mentions) : null,
      m.order,
      m.createdAt,
    );
    for (const u of m.mentions) this.s.insertMention.run(m.id, u, m.roomId, m.order);
    for (const u of privateMentions) this.s.insertMention.run(m.id, u, m.roomId, m.order);
  }
  get(id: string): MessageRow | null {
    const r = this.s.get.get(id);
    return r ? toRow(r) : null;
  }
  byNonce(authorId: string, nonce: string): MessageRow | null {
    const r = this.s.byNonce.get(authorId, nonce);
    return r ? toRow(r) : null;
  }
  /** Up to `limit` live messages of a room with order < before, newest first. */
  before(roomId: string, before: number, limit: number): MessageRow[] {
    return this.s.before.all(roomId, before, limit).map(toRow);
  }
  /** Messages by others in a room after a read marker, counted up to UNREAD_COUNT_CAP. */
  unreadCount(userId: string, roomId: string, marker: number): number {
    return this.s.unread.get(roomId, marker, userId, UNREAD_COUNT_CAP)!.n;
  }
  mentionCounts(userId: string): Map<string, number> {
    return new Map(this.s.mentions.all(userId).map((r) => [r.room_id, r.n]));
  }  edit(id: string, text: string, editedAt: number): void {
    this.s.edit.run(text, editedAt, id);
  }
  markDeleted(id: string): void {
    this.s.markDeleted.run(id);
    this.s.deleteMentions.run(id);
  }
}
