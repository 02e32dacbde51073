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
 * Who a fan-out job writes to: the followers of the news' actor (a new post), or the followers of the thread
 * the news is in (a comment on a post).
 */
export type FanoutAudience = 'author-followers' | 'thread-followers';

/** News whose items are written after its own step, a chunk of its audience at a time (see `InboxService`). */
export interface FanoutJob {
  seq: number;
  audience: FanoutAudience;
  kind: InboxKind;
  roomId: string;
  messageId: string;
  threadId: string | null;
  actorId: string;
  order: number;
  createdAt: number;
  /** Users the news' own step dealt with (mentioned, or the post's author): no item of this job for them. */
  skip: string[];
  /** The last user (in id order) whose item is written; '' before the first chunk. */
  cursor: string;
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
  /** Remove the user's items about a reaction (that message, actor and emoji); answers their ids. */
  removeReaction(userId: string, messageId: string, actorId: string, emoji: string): Awaitable<string[]>;
  /** Queue news for fan-out after the current step commits. */
  queueFanout(job: Omit<FanoutJob, 'seq' | 'cursor'>): Awaitable<void>;
  /** The oldest job still waiting, or null. */
  nextFanout(): Awaitable<FanoutJob | null>;
  /** The job's items are written up to this user: the next chunk starts after it. */
  advanceFanout(seq: number, cursor: string): Awaitable<void>;
  /** The job is done (or its message is gone). */
  finishFanout(seq: number): Awaitable<void>;
}
