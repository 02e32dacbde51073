import type { Attachment } from '@open-discord/protocol';
import type { ThreadSummary } from '@open-discord/protocol';
import type { Awaitable } from '../../ports/awaitable.js';
/** Messages and their mentions: the messages feature's storage. */

export interface MessageRow {
  id: string;
  roomId: string;
  authorId: string;
  text: string;
  nonce: string | null;
  action: boolean;
  mentions: string[];
  order: number;
  createdAt: number;
  editedAt: number | null;
  deleted: boolean;
  /** Files it carries (descriptors as sent); optional so rows built before uploads existed still fit. */
  attachments?: Attachment[];
  /** A thread reply's root (null for a room message or a root). */
  threadId?: string | null;
  /** A reply also shown in the room. */
  alsoInRoom?: boolean;
  /** A root's summary, once it has had replies (kept by the threads feature). */
  thread?: ThreadSummary | null;
}

/**
 * Thread unread counts recounted when a thread marker moves stop here (a client shows "1000+"). Room
 * unread counts are exact and kept by counters; mention counts are exact, from their own small index.
 */
export const UNREAD_COUNT_CAP = 1000;

export interface MessagesRepository {
  /** When the author last wrote in the room (a live or deleted message), or null: for slowmode. */
  lastSentAt(authorId: string, roomId: string): Awaitable<number | null>;
  /** `privateMentions`: users highlighted by a private word: counted in their mentions, not listed in the row. */
  insert(m: MessageRow, privateMentions?: readonly string[]): Awaitable<void>;
  get(id: string): Awaitable<MessageRow | null>;
  byNonce(authorId: string, nonce: string): Awaitable<MessageRow | null>;
  /** Up to `limit` live messages of a room with order < before, newest first (thread-only replies are not the room's). */
  before(roomId: string, before: number, limit: number): Awaitable<MessageRow[]>;
  /** Live messages by others in a room after the user's read marker `marker` (not thread-only replies), exactly. */
  unreadCount(userId: string, roomId: string, marker: number): Awaitable<number>;
  /** Per room: live messages mentioning the user after their read marker. */
  mentionCounts(userId: string): Awaitable<Map<string, number>>;
  edit(id: string, text: string, editedAt: number): Awaitable<void>;
  /** The content leaves the projection; the row stays so ids and orders keep resolving. */
  markDeleted(id: string): Awaitable<void>;
}
