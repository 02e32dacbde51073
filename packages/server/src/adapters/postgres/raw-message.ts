import type { Attachment } from '@open-discord/protocol';
import type { MessageRow } from '../../features/messages/repository.js';

/** A messages row as PostgreSQL returns it (BIGINT columns parsed to numbers by PgDb). */
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

/** The message columns the repositories that return MessageRow select (`m.` qualified). */
export const MESSAGE_COLS = `m.id, m.room_id, m.author_id, m.text, m.nonce, m.action, m.mentions, m.event_order, m.created_at,
  m.edited_at, m.deleted, m.attachments, m.thread_id, m.also_in_room, m.reply_count, m.last_reply_at, m.last_reply_order,
  m.last_reply_authors`;

/** As the SQLite adapter's toRow: the same MessageRow from the same columns. */
export const toMessageRow = (r: RawMessage): MessageRow => ({
  id: r.id,
  roomId: r.room_id,
  authorId: r.author_id,
  text: r.text,
  nonce: r.nonce,
  action: Number(r.action) !== 0,
  mentions: r.mentions ? (JSON.parse(r.mentions) as string[]) : [],
  order: Number(r.event_order),
  createdAt: Number(r.created_at),
  editedAt: r.edited_at === null ? null : Number(r.edited_at),
  deleted: Number(r.deleted) !== 0,
  ...(r.attachments ? { attachments: JSON.parse(r.attachments) as Attachment[] } : {}),
  threadId: r.thread_id,
  alsoInRoom: Number(r.also_in_room) !== 0,
  thread:
    Number(r.last_reply_order) > 0
      ? {
          count: Number(r.reply_count),
          lastAt: Number(r.last_reply_at),
          lastOrder: Number(r.last_reply_order),
          lastAuthorIds: r.last_reply_authors ? (JSON.parse(r.last_reply_authors) as string[]) : [],
        }
      : null,
});
