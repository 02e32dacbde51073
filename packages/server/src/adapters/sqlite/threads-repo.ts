import type { ThreadLevel, ThreadSummary } from '@open-discord/protocol';
import type { MessageRow } from '../../features/messages/repository.js';
import { UNREAD_COUNT_CAP } from '../../features/messages/repository.js';
import type { FollowRow, ThreadsRepository } from '../../features/threads/repository.js';
import type { Db } from './db.js';
import { SqliteMessagesRepo } from './messages-repo.js';

interface RawFollow {
  user_id: string;
  thread_id: string;
  room_id: string;
  following: number;
  level: string;
  muted: number;
  read_order: number;
  unread: number;
  mentions: number;
}

const toFollow = (r: RawFollow): FollowRow => ({
  userId: r.user_id,
  threadId: r.thread_id,
  roomId: r.room_id,
  following: r.following !== 0,
  level: r.level as ThreadLevel,
  muted: r.muted !== 0,
  readOrder: r.read_order,
  unread: r.unread,
  mentions: r.mentions,
});

/** How many recent replies are read to find the last distinct authors after a deletion. */
const AUTHOR_SCAN = 200;

/** SQLite implementation of the threads feature's ThreadsRepository (thread columns of messages, thread_follows). */
export class SqliteThreadsRepo implements ThreadsRepository {
  private readonly s;
  constructor(
    db: Db,
    private readonly messages: SqliteMessagesRepo,
  ) {
    this.s = {
      replyIds: db.prepare<[string, number, number], { id: string }>(
        `SELECT id FROM messages WHERE thread_id = ? AND event_order < ? AND deleted = 0
         ORDER BY event_order DESC LIMIT ?`,
      ),
      count: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM messages WHERE thread_id = ? AND deleted = 0'),
      recent: db.prepare<[string, number], { author_id: string; created_at: number; event_order: number }>(
        `SELECT author_id, created_at, event_order FROM messages WHERE thread_id = ? AND deleted = 0
         ORDER BY event_order DESC LIMIT ?`,
      ),
      setSummary: db.prepare(
        'UPDATE messages SET reply_count = ?, last_reply_at = ?, last_reply_order = ?, last_reply_authors = ? WHERE id = ?',
      ),
      follow: db.prepare<[string, string], RawFollow>('SELECT * FROM thread_follows WHERE user_id = ? AND thread_id = ?'),
      setFollow: db.prepare(
        `INSERT INTO thread_follows (user_id, thread_id, room_id, following, level, muted, read_order, unread, mentions)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (user_id, thread_id) DO UPDATE SET following = excluded.following, level = excluded.level,
           muted = excluded.muted, read_order = excluded.read_order, unread = excluded.unread, mentions = excluded.mentions`,
      ),
      followed: db.prepare<[string], RawFollow>('SELECT * FROM thread_follows WHERE user_id = ? AND following = 1'),
      followers: db.prepare<[string], RawFollow>('SELECT * FROM thread_follows WHERE thread_id = ? AND following = 1'),
      // One statement per reply, over the thread's followers only (thread_follows_thread): O(followers).
      countReply: db.prepare(
        `UPDATE thread_follows SET unread = unread + 1,
           mentions = mentions + (user_id IN (SELECT value FROM json_each(?)))
         WHERE thread_id = ? AND following = 1 AND user_id != ?`,
      ),
      // Along messages_thread_order, stopping at the cap, like a room's count.
      unread: db.prepare<[string, number, string, number], { n: number }>(
        `SELECT COUNT(*) AS n FROM (
           SELECT 1 FROM messages WHERE thread_id = ? AND event_order > ? AND deleted = 0 AND author_id != ? LIMIT ?)`,
      ),
      mentions: db.prepare<[string, string, string, number], { n: number }>(
        `SELECT COUNT(*) AS n FROM message_mentions mm
         JOIN messages m ON m.id = mm.message_id AND m.deleted = 0 AND m.thread_id = ?
         WHERE mm.user_id = ? AND mm.room_id = ? AND mm.event_order > ?`,
      ),
    };
  }

  replies(threadId: string, before: number, limit: number): MessageRow[] {
    const out: MessageRow[] = [];
    for (const { id } of this.s.replyIds.all(threadId, before, limit)) {
      const row = this.messages.get(id);
      if (row) out.push(row);
    }
    return out;
  }
  recount(threadId: string): ThreadSummary {
    const count = this.s.count.get(threadId)!.n;
    const recent = this.s.recent.all(threadId, AUTHOR_SCAN);
    const lastAuthorIds: string[] = [];
    for (const r of recent) {
      if (lastAuthorIds.length === 3) break;
      if (!lastAuthorIds.includes(r.author_id)) lastAuthorIds.push(r.author_id);
    }
    return { count, lastAt: recent[0]?.created_at ?? 0, lastOrder: recent[0]?.event_order ?? 0, lastAuthorIds };
  }
  setSummary(threadId: string, t: ThreadSummary): void {
    this.s.setSummary.run(t.count, t.lastAt, t.lastOrder, JSON.stringify(t.lastAuthorIds), threadId);
  }
  follow(userId: string, threadId: string): FollowRow | null {
    const r = this.s.follow.get(userId, threadId);
    return r ? toFollow(r) : null;
  }
  setFollow(f: FollowRow): void {
    this.s.setFollow.run(f.userId, f.threadId, f.roomId, f.following ? 1 : 0, f.level, f.muted ? 1 : 0, f.readOrder, f.unread, f.mentions);
  }
  followed(userId: string): FollowRow[] {
    return this.s.followed.all(userId).map(toFollow);
  }
  followers(threadId: string): FollowRow[] {
    return this.s.followers.all(threadId).map(toFollow);
  }
  countReply(threadId: string, authorId: string, mentioned: readonly string[]): void {
    this.s.countReply.run(JSON.stringify(mentioned), threadId, authorId);
  }
  unreadCount(userId: string, threadId: string, marker: number): number {
    return this.s.unread.get(threadId, marker, userId, UNREAD_COUNT_CAP)!.n;
  }
  mentionCount(userId: string, roomId: string, threadId: string, marker: number): number {
    return this.s.mentions.get(threadId, userId, roomId, marker)!.n;
  }
}
