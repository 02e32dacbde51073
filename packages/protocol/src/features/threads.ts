import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { Id, Message, Order, ThreadSummary, Unread } from '../model.js';
import { ev } from './envelope.js';
import { Ok, req } from './request.js';

// Threads (one level): a thread's replies, following a thread with a notification level, and its read marker.

/** How much a followed thread asks for attention: every reply, only mentions, or nothing. */
export const ThreadLevel = z.enum(['all', 'mentions', 'none']);
export type ThreadLevel = z.infer<typeof ThreadLevel>;

/** A thread this user follows, as `state` reports it. */
export const FollowedThread = z.object({
  roomId: Id,
  level: ThreadLevel,
  muted: z.boolean(),
  /** The thread's own read marker; replies at or before max(this, the room's marker) are read. */
  readOrder: Order,
  /** Replies by others after the effective marker, and those mentioning this user. */
  unread: Unread,
});
export type FollowedThread = z.infer<typeof FollowedThread>;

export const events = [
  /**
   * Private to the follower: they follow the thread (again, or with a new level or mute). `unread`, when
   * present, is the follow's count as of this event (after a reply they had counted was deleted).
   */
  ev('thread.followed', z.object({ roomId: Id, threadId: Id, level: ThreadLevel, muted: z.boolean(), readOrder: Order, unread: Unread.optional() })),
  /** Private to the follower. */
  ev('thread.unfollowed', z.object({ roomId: Id, threadId: Id })),
  /** Private to the reader: the thread's read marker moved forward. */
  ev('thread.read', z.object({ roomId: Id, threadId: Id, order: Order })),
  /** To the room's members: a root's summary changed other than by a new reply (a reply was deleted). */
  ev('thread.updated', z.object({ roomId: Id, threadId: Id, thread: ThreadSummary })),
] as const;

export const requests = {
  /** A thread's root and its replies, newest page first: up to `limit` replies with order < `before`, ascending. */
  'thread.history': req(
    {
      roomId: Id,
      threadId: Id,
      before: Order.optional(),
      limit: z.number().int().min(1).max(LIMITS.historyMaxLimit).optional(),
    },
    z.object({
      /** The root; absent when it was deleted (its replies stay). */
      root: Message.optional(),
      messages: z.array(Message),
      end: z.boolean(),
    }),
  ),
  /** Follow a thread (or change its level or mute); the first follow starts it read up to now. */
  'thread.follow': req({ roomId: Id, threadId: Id, level: ThreadLevel.optional(), muted: z.boolean().optional() }, Ok),
  'thread.unfollow': req({ roomId: Id, threadId: Id }, Ok),
  /** Move the thread's read marker forward (never past the head). */
  'thread.read': req({ roomId: Id, threadId: Id, order: Order }, Ok),
} as const;
