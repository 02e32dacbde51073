import type { ThreadLevel, ThreadSummary } from '@open-discord/protocol';
import type { Awaitable } from '../../ports/awaitable.js';
import type { MessageRow } from '../messages/repository.js';

/** One user's relation to one thread: whether they follow it, how loudly, and how far they read it. */
export interface FollowRow {
  userId: string;
  threadId: string;
  roomId: string;
  /** False after an unfollow (or for a thread only read): the row keeps its read marker. */
  following: boolean;
  level: ThreadLevel;
  muted: boolean;
  readOrder: number;
  /** Maintained counters: replies by others after max(readOrder, the room's marker), and those mentioning the user. */
  unread: number;
  mentions: number;
}

/** Threads: the roots' summaries, replies, follows and per-thread read markers. The threads feature's storage. */
export interface ThreadsRepository {
  /** Up to `limit` live replies of a thread with order < before, newest first. */
  replies(threadId: string, before: number, limit: number): Awaitable<MessageRow[]>;
  /** The summary a root shows, from its live replies (after a reply is deleted). */
  recount(threadId: string): Awaitable<ThreadSummary>;
  setSummary(threadId: string, summary: ThreadSummary): Awaitable<void>;
  follow(userId: string, threadId: string): Awaitable<FollowRow | null>;
  setFollow(row: FollowRow): Awaitable<void>;
  /** The threads the user follows. */
  followed(userId: string): Awaitable<FollowRow[]>;
  /** The followers of a thread. */
  followers(threadId: string): Awaitable<FollowRow[]>;
  /** One more reply for the thread's followers other than its author (and a mention for those listed). */
  countReply(threadId: string, authorId: string, mentioned: readonly string[]): Awaitable<void>;
  /** Replies by others after `marker`, counted up to UNREAD_COUNT_CAP. */
  unreadCount(userId: string, threadId: string, marker: number): Awaitable<number>;
  /** Live replies mentioning the user after `marker`. */
  mentionCount(userId: string, roomId: string, threadId: string, marker: number): Awaitable<number>;
}
