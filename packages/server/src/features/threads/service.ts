import type { FollowedThread, Message, ParsedParams, ThreadLevel, Unread } from '@open-discord/protocol';
import { ProtocolError, summaryAfterReply } from '@open-discord/protocol';
import type { AccessView } from '../../core/access.js';
import type { WriteContext } from '../../core/commit-queue.js';
import type { ServiceDeps } from '../../core/deps.js';
import type { MessageRow } from '../messages/repository.js';
import { messageToWire } from '../messages/wire.js';
import { roomNotFound } from '../rooms/errors.js';
import type { FollowRow } from './repository.js';

const threadNotFound = () => new ProtocolError('NOT_FOUND', 'thread not found');
const notInRoom = () => new ProtocolError('FORBIDDEN', 'you are not in this room; join it first');

/**
 * Threads, one level deep (Slack, Matrix): replies point at their root, whose summary is kept in the same
 * step as each reply. Users follow a thread by replying, by being mentioned in it, as the root's author when
 * the first reply arrives, or by hand; a followed thread counts its unread replies (never one's own) after
 * max(its own read marker, the room's), so marking the room read clears its threads too.
 */
export class ThreadsService {
  constructor(private readonly d: ServiceDeps) {}

  /**
   * The root a reply in room `roomId` to `messageId` goes to: a reply to a reply goes to its root. The caller
   * has checked the room is visible; a missing or deleted message, or one of another room, is not found.
   */
  async rootFor(roomId: string, messageId: string): Promise<MessageRow> {
    const { store } = this.d;
    let row = await store.messages.get(messageId);
    if (row?.threadId) row = await store.messages.get(row.threadId);
    if (!row || row.deleted || row.roomId !== roomId) throw new ProtocolError('NOT_FOUND', 'message not found');
    return row;
  }

  /**
   * Inside the send of a reply, before its `message.created`: who starts following (the replier, those it
   * mentions, the root's author at the first reply). Their `thread.followed` comes first, with the marker at
   * its own order, so each client counts the reply that follows exactly as the server does.
   */
  async beforeReply(w: WriteContext, view: AccessView, root: MessageRow, authorId: string, mentioned: readonly string[]): Promise<void> {
    const who = new Set<string>([authorId, ...mentioned]);
    if (!root.thread?.count) who.add(root.authorId);
    for (const userId of who) {
      if (!view.canSeeRoom(userId, root.roomId) || !view.isMember(userId, root.roomId)) continue;
      const row = await this.d.store.threads.follow(userId, root.id);
      if (row?.following) continue;
      await this.startFollowing(w, userId, root, row, {});
    }
  }

  /**
   * After the reply's row is written, in the same step: the root's summary, and one more unread reply (and
   * mention, for those it highlights) for every follower but its author.
   */
  async afterReply(root: MessageRow, reply: MessageRow, mentioned: readonly string[]): Promise<void> {
    await this.d.store.threads.setSummary(root.id, summaryAfterReply(root.thread, reply));
    await this.d.store.threads.countReply(root.id, reply.authorId, mentioned);
  }

  /**
   * A follower's counters recounted from the replies after max(their thread marker, the room's): when a
   * marker moves or a reply is deleted. Nothing to count once the marker has reached the head.
   */
  private async recount(f: FollowRow, roomMarker: number): Promise<FollowRow> {
    const { threads, events } = this.d.store;
    const marker = Math.max(f.readOrder, roomMarker);
    if (marker >= (await events.head())) return { ...f, unread: 0, mentions: 0 };
    return {
      ...f,
      unread: await threads.unreadCount(f.userId, f.threadId, marker),
      mentions: await threads.mentionCount(f.userId, f.roomId, f.threadId, marker),
    };
  }

  /** The room's read marker moved (inside its step): its followed threads are read up to it too. */
  async roomRead(userId: string, roomId: string, order: number): Promise<void> {
    for (const f of await this.d.store.threads.followed(userId)) {
      if (f.roomId !== roomId || (f.unread === 0 && f.mentions === 0)) continue;
      await this.d.store.threads.setFollow(await this.recount(f, order));
    }
  }

  /**
   * A user (re)joined a room (inside its step, after their room marker moved to the join): the threads they
   * still follow there are theirs again, so each is announced to them privately with its counters, as `state`
   * would report it. Without this a client learnt of them only at its next `state`.
   */
  async rejoined(w: WriteContext, userId: string, roomId: string): Promise<void> {
    for (const f of await this.d.store.threads.followed(userId)) {
      if (f.roomId !== roomId) continue;
      w.emit(
        { type: 'thread.followed', roomId, actorId: userId, targetUserId: userId },
        { roomId, threadId: f.threadId, level: f.level, muted: f.muted, readOrder: f.readOrder, unread: { count: f.unread, mentions: f.mentions } },
      );
    }
  }

  /** A reply was deleted (inside its step): the root's summary is recounted and announced. */
  async replyDeleted(w: WriteContext, reply: MessageRow, actorId: string | null): Promise<void> {
    if (!reply.threadId) return;
    const thread = await this.d.store.threads.recount(reply.threadId);
    await this.d.store.threads.setSummary(reply.threadId, thread);
    // Followers who counted the reply count it no more (deletions are rare: a recount per follower). Each
    // whose count changed is told privately, so a client that never loaded the reply still agrees.
    for (const f of await this.d.store.threads.followers(reply.threadId)) {
      const next = await this.recount(f, await this.d.store.readMarkers.marker(f.userId, f.roomId));
      if (next.unread === f.unread && next.mentions === f.mentions) continue;
      await this.d.store.threads.setFollow(next);
      w.emit(
        { type: 'thread.followed', roomId: f.roomId, actorId, targetUserId: f.userId },
        { roomId: f.roomId, threadId: f.threadId, level: f.level, muted: f.muted, readOrder: f.readOrder, unread: { count: next.unread, mentions: next.mentions } },
      );
    }
    w.emit({ type: 'thread.updated', roomId: reply.roomId, actorId }, { roomId: reply.roomId, threadId: reply.threadId, thread });
  }

  private async startFollowing(
    w: WriteContext,
    userId: string,
    root: MessageRow,
    prev: FollowRow | null,
    change: { level?: ThreadLevel; muted?: boolean },
  ): Promise<void> {
    const level = change.level ?? prev?.level ?? 'all';
    const muted = change.muted ?? prev?.muted ?? false;
    let readOrder = prev?.readOrder ?? 0;
    w.emit({ type: 'thread.followed', roomId: root.roomId, actorId: userId, targetUserId: userId }, (order: number) => {
      // Following starts with the thread read up to now: only what comes after counts.
      readOrder = Math.max(readOrder, order);
      return { roomId: root.roomId, threadId: root.id, level, muted, readOrder };
    });
    // Read up to its own order: nothing is unread yet.
    await this.d.store.threads.setFollow({ userId, threadId: root.id, roomId: root.roomId, following: true, level, muted, readOrder, unread: 0, mentions: 0 });
  }

  /** The thread's root, for a user who can see its room (members only when `member`). */
  private async visibleRoot(view: AccessView, userId: string, roomId: string, threadId: string, member: boolean): Promise<MessageRow> {
    // The visibility check runs before the lookup whatever the ids: a hidden room answers like a missing one.
    if (!view.canSeeRoom(userId, roomId)) throw roomNotFound();
    if (member && !view.isMember(userId, roomId)) throw notInRoom();
    const root = await this.d.store.messages.get(threadId);
    if (!root || root.roomId !== roomId || root.threadId) throw threadNotFound();
    return root;
  }

  follow(userId: string, p: ParsedParams<'thread.follow'>): Promise<{ ok: true }> {
    return this.d.queue.submit(async (w) => {
      const root = await this.visibleRoot(await this.d.access.view(), userId, p.roomId, p.threadId, true);
      const row = await this.d.store.threads.follow(userId, root.id);
      const change = { ...(p.level && { level: p.level }), ...(p.muted !== undefined && { muted: p.muted }) };
      if (!row?.following) {
        await this.startFollowing(w, userId, root, row, change);
      } else if ((change.level && change.level !== row.level) || (change.muted !== undefined && change.muted !== row.muted)) {
        // Already following: only the level or mute change; the marker stays where it is.
        const next = { ...row, ...change };
        await this.d.store.threads.setFollow(next);
        w.emit(
          { type: 'thread.followed', roomId: root.roomId, actorId: userId, targetUserId: userId },
          { roomId: root.roomId, threadId: root.id, level: next.level, muted: next.muted, readOrder: next.readOrder },
        );
      }
      return { ok: true as const };
    });
  }

  unfollow(userId: string, p: ParsedParams<'thread.unfollow'>): Promise<{ ok: true }> {
    return this.d.queue.submit(async (w) => {
      const root = await this.visibleRoot(await this.d.access.view(), userId, p.roomId, p.threadId, false);
      const row = await this.d.store.threads.follow(userId, root.id);
      if (row?.following) {
        await this.d.store.threads.setFollow({ ...row, following: false });
        w.emit({ type: 'thread.unfollowed', roomId: root.roomId, actorId: userId, targetUserId: userId }, { roomId: root.roomId, threadId: root.id });
      }
      return { ok: true as const };
    });
  }

  /** Markers only move forward and never past the log's head; a no-op writes no event. */
  read(userId: string, p: ParsedParams<'thread.read'>): Promise<{ ok: true }> {
    return this.d.queue.submit(async (w) => {
      const root = await this.visibleRoot(await this.d.access.view(), userId, p.roomId, p.threadId, false);
      const order = Math.min(p.order, await this.d.store.events.head());
      const row = await this.d.store.threads.follow(userId, root.id);
      if (order <= (row?.readOrder ?? 0)) return { ok: true as const };
      const moved: FollowRow = row
        ? { ...row, readOrder: order }
        : { userId, threadId: root.id, roomId: root.roomId, following: false, level: 'all', muted: false, readOrder: order, unread: 0, mentions: 0 };
      await this.d.store.threads.setFollow(moved.following ? await this.recount(moved, await this.d.store.readMarkers.marker(userId, root.roomId)) : moved);
      w.emit({ type: 'thread.read', roomId: root.roomId, actorId: userId, targetUserId: userId }, { roomId: root.roomId, threadId: root.id, order });
      return { ok: true as const };
    });
  }

  /** A page of a thread's replies, newest page first, with its root (absent once deleted). */
  async history(userId: string, p: ParsedParams<'thread.history'>): Promise<{ root?: Message; messages: Message[]; end: boolean }> {
    const root = await this.visibleRoot(await this.d.access.view(), userId, p.roomId, p.threadId, false);
    const limit = p.limit ?? 50;
    const rows = await this.d.store.threads.replies(root.id, p.before ?? Number.MAX_SAFE_INTEGER, limit + 1);
    const end = rows.length <= limit;
    const messages = rows.slice(0, limit).reverse().map(messageToWire);
    return root.deleted ? { messages, end } : { root: messageToWire(root), messages, end };
  }

  /**
   * For `state`: the followed threads of the joined rooms, from their maintained counters (one read of the
   * user's follow rows; no reply is scanned, however long the threads).
   */
  async followedState(userId: string, joined: ReadonlySet<string>): Promise<Record<string, FollowedThread>> {
    const out: Record<string, FollowedThread> = {};
    for (const f of await this.d.store.threads.followed(userId)) {
      if (!joined.has(f.roomId)) continue;
      const unread: Unread = { count: f.unread, mentions: f.mentions };
      out[f.threadId] = { roomId: f.roomId, level: f.level, muted: f.muted, readOrder: f.readOrder, unread };
    }
    return out;
  }
}
