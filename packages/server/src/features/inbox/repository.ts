import type { InboxItem, InboxKind, InboxSettings } from '@open-discord/protocol';
import type { Awaitable } from '../../ports/awaitable.js';

/** One item as written when the news happens (its text and title are read from the message and post when listed). */
export interface NewInboxItem {
  id: string;
  userId: string;
  kind: InboxKind;
  roomId: string;
  messageId: string;
  threadId: string | null;
  actorId: string;
  emoji: string | null;
  order: number;
  createdAt: number;
}

/**
 * The inbox's storage: items per user and each user's switched-off kinds. Every read takes the rooms the
 * user may see now and leaves out items of other rooms and items about deleted messages.
 */
export interface InboxRepository {
  insert(item: NewInboxItem): Awaitable<void>;
  /** The user's items in those rooms with order < before, newest first. */
  list(userId: string, roomIds: readonly string[], page: { before: number; limit: number; unreadOnly: boolean }): Awaitable<InboxItem[]>;
  unread(userId: string, roomIds: readonly string[]): Awaitable<number>;
  /** Mark these of the user's items read; answers the ids that were unread. */
  markRead(userId: string, ids: readonly string[]): Awaitable<string[]>;
  /** Mark every item of the user with order <= through read. */
  markAllRead(userId: string, through: number): Awaitable<void>;
  settings(userId: string): Awaitable<InboxSettings>;
  /**
   * Of these users, those who would not take news of `kind` from `actorId`: the kind is switched off, or they
   * block the actor. One lookup for a whole fan-out (a post read by a thousand followers).
   */
  declining(userIds: readonly string[], kind: InboxKind, actorId: string): Awaitable<Set<string>>;
  setSettings(userId: string, s: InboxSettings): Awaitable<void>;
}
