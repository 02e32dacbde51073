import type { Attachment } from '@open-discord/protocol';
import type { Db } from './db.js';
import type { MessageRow, MessagesRepository } from '../../features/messages/repository.js';

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
  attachments: string | null;
  thread_id: string | null;
  also_in_room: number;
  reply_count: number;
  last_reply_at: number;
  last_reply_order: number;
  last_reply_authors: string | null;
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
  ...(r.attachments ? { attachments: JSON.parse(r.attachments) as Attachment[] } : {}),
  threadId: r.thread_id,
  alsoInRoom: r.also_in_room !== 0,
  thread: r.last_reply_order > 0
    ? { count: r.reply_count, lastAt: r.last_reply_at, lastOrder: r.last_reply_order, lastAuthorIds: r.last_reply_authors ? (JSON.parse(r.last_reply_authors) as string[]) : [] }
    : null,
});

/** A message the room shows: not a thread-only reply. */
const IN_ROOM = '(thread_id IS NULL OR also_in_room = 1)';

/** SQLite implementation of the messages feature's MessagesRepository. */
export class SqliteMessagesRepo implements MessagesRepository {
  private readonly s;
  constructor(db: Db) {
    this.s = {
      insert: db.prepare(
        `INSERT INTO messages (id, room_id, author_id, text, nonce, action, mentions, event_order, created_at, attachments, thread_id, also_in_room)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertMention: db.prepare(
        'INSERT OR IGNORE INTO message_mentions (message_id, user_id, room_id, event_order, thread_only) VALUES (?, ?, ?, ?, ?)',
      ),
      get: db.prepare<[string], RawMessage>('SELECT * FROM messages WHERE id = ?'),
      byNonce: db.prepare<[string, string], RawMessage>('SELECT * FROM messages WHERE author_id = ? AND nonce = ?'),
      // Along messages_author from the newest: stops at the author's latest message in the room.
      lastSentAt: db.prepare<[string, string], { created_at: number }>(
        'SELECT created_at FROM messages WHERE author_id = ? AND room_id = ? ORDER BY rowid DESC LIMIT 1',
      ),
      before: db.prepare<[string, number, number], RawMessage>(
        `SELECT * FROM messages WHERE room_id = ? AND event_order < ? AND deleted = 0 AND ${IN_ROOM}
         ORDER BY event_order DESC LIMIT ?`,
      ),
      // The maintained counters (unread-counters.ts): two rows, whatever the backlog.
      unread: db.prepare<[string, string], { n: number }>(
        `SELECT r.msg_seq - rr.marker_seq - rr.own_after - rr.gone_after AS n
         FROM room_reads rr JOIN rooms r ON r.id = rr.room_id WHERE rr.user_id = ? AND rr.room_id = ?`,
      ),
      // A room with no counter row (a user who never joined nor marked it): counted along messages_room_order.
      unreadScan: db.prepare<[string, number, string], { n: number }>(
        `SELECT COUNT(*) AS n FROM messages WHERE room_id = ? AND event_order > ? AND deleted = 0 AND author_id != ? AND ${IN_ROOM}`,
      ),
      // Per room the user is in, a range of the mentions index after the read marker: the cost follows the
      // unread mentions, not every mention the user ever had. A deleted message's mentions are deleted with
      // it, and thread-only replies' are flagged, so no message row is read.
      mentions: db.prepare<[string], { room_id: string; n: number }>(
        `SELECT rm.room_id, (
           SELECT COUNT(*) FROM message_mentions mm
           WHERE mm.user_id = rm.user_id AND mm.room_id = rm.room_id AND mm.event_order > COALESCE(r.event_order, 0)
             AND mm.thread_only = 0) AS n
         FROM room_members rm LEFT JOIN read_markers r ON r.user_id = rm.user_id AND r.room_id = rm.room_id
         WHERE rm.user_id = ?`,
      ),
      edit: db.prepare('UPDATE messages SET text = ?, edited_at = ? WHERE id = ?'),
      // Deleting removes the content from the projection; the row stays so ids and orders keep resolving.
      markDeleted: db.prepare("UPDATE messages SET deleted = 1, text = '', mentions = NULL, attachments = NULL WHERE id = ?"),
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
      m.attachments?.length ? JSON.stringify(m.attachments) : null,
      m.threadId ?? null,
      m.alsoInRoom ? 1 : 0,
    );
    const threadOnly = m.threadId && !m.alsoInRoom ? 1 : 0;
    for (const u of m.mentions) this.s.insertMention.run(m.id, u, m.roomId, m.order, threadOnly);
    for (const u of privateMentions) this.s.insertMention.run(m.id, u, m.roomId, m.order, threadOnly);
  }
  get(id: string): MessageRow | null {
    const r = this.s.get.get(id);
    return r ? toRow(r) : null;
  }
  lastSentAt(authorId: string, roomId: string): number | null {
    return this.s.lastSentAt.get(authorId, roomId)?.created_at ?? null;
  }
  byNonce(authorId: string, nonce: string): MessageRow | null {
    const r = this.s.byNonce.get(authorId, nonce);
    return r ? toRow(r) : null;
  }
  /** Up to `limit` live messages of a room with order < before, newest first. */
  before(roomId: string, before: number, limit: number): MessageRow[] {
    return this.s.before.all(roomId, before, limit).map(toRow);
  }
  /** Live messages by others in a room after the user's read marker, exactly. */
  unreadCount(userId: string, roomId: string, marker: number): number {
    return this.s.unread.get(userId, roomId)?.n ?? this.s.unreadScan.get(roomId, marker, userId)!.n;
  }
  mentionCounts(userId: string): Map<string, number> {
    return new Map(this.s.mentions.all(userId).flatMap((r) => (r.n > 0 ? [[r.room_id, r.n] as const] : [])));
  }
  edit(id: string, text: string, editedAt: number): void {
    this.s.edit.run(text, editedAt, id);
  }
  markDeleted(id: string): void {
    this.s.markDeleted.run(id);
    this.s.deleteMentions.run(id);
  }
}
