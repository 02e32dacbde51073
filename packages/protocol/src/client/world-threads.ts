import type { FollowedThread } from '../features/threads.js';
import type { Message, ThreadSummary, Unread } from '../model.js';

/*
 * The thread rules every client shares (and the server, for the summary): pure functions over plain data,
 * used by the World (world.ts) to fold replies, follows and thread read markers.
 */

/** A followed thread as a client keeps it: the server's view plus the order from which every reply was seen. */
export interface FollowedThreadState extends FollowedThread {
  /**
   * Every reply with a higher order has reached this world (it was live or replayed from here): the
   * snapshot's head, or the follow's own order. Counts after a marker at or past it are recounted exactly.
   */
  since: number;
}

/** A root's summary after one more reply: the newest author first, distinct, at most three. */
export function summaryAfterReply(prev: ThreadSummary | null | undefined, reply: Pick<Message, 'authorId' | 'createdAt' | 'order'>): ThreadSummary {
  const lastAuthorIds = [reply.authorId, ...(prev?.lastAuthorIds ?? []).filter((a) => a !== reply.authorId)].slice(0, 3);
  return { count: (prev?.count ?? 0) + 1, lastAt: reply.createdAt, lastOrder: reply.order, lastAuthorIds };
}

/** Of two summaries of one root, the one that counted more recent replies (history and events may race). */
export function newerSummary(a: ThreadSummary | undefined, b: ThreadSummary | undefined): ThreadSummary | undefined {
  if (!a) return b;
  if (!b) return a;
  return b.lastOrder >= a.lastOrder ? b : a;
}

/** The marker a thread's replies are read up to: its own, or the room's when that is further (read.mark clears threads). */
export const effectiveMarker = (f: Pick<FollowedThread, 'readOrder'>, roomMarker: number | undefined): number =>
  Math.max(f.readOrder, roomMarker ?? 0);

const ZERO: Unread = { count: 0, mentions: 0 };

/**
 * What a followed thread asks of the user, by its level: every unread reply (`all`), only those that
 * mention them (`mentions`), nothing (`none`, or muted).
 */
export function threadBadgeOf(f: Pick<FollowedThread, 'level' | 'muted' | 'unread'>): Unread {
  if (f.muted || f.level === 'none') return ZERO;
  if (f.level === 'mentions') return { count: f.unread.mentions, mentions: f.unread.mentions };
  return f.unread;
}
