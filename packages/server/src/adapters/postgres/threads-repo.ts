import type { ThreadLevel, ThreadSummary } from '@open-discord/protocol';
import type { MessageRow } from '../../features/messages/repository.js';
import { UNREAD_COUNT_CAP } from '../../features/messages/repository.js';
import type { FollowRow, ThreadsRepository } from '../../features/threads/repository.js';
import { MESSAGE_COLS, type RawMessage, toMessageRow } from './raw-message.js';
import { num, type Sql } from './repo-sql.js';

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

const FOLLOW_COLS = 'user_id, thread_id, room_id, following, level, muted, read_order, unread, mentions';

const toFollow = (r: RawFollow): FollowRow => ({
  userId: r.user_id,
  threadId: r.thread_id,
  roomId: r.room_id,
  following: Number(r.following) !== 0,
  level: r.level as ThreadLevel,
  muted: Number(r.muted) !== 0,
  readOrder: Number(r.read_order),
  unread: Number(r.unread),
  mentions: Number(r.mentions),
});

/** How many recent replies are read to find the last distinct authors after a deletion. */
const AUTHOR_SCAN = 200;

/** PostgreSQL implementation of the threads feature's ThreadsRepository (thread columns of messages, thread_follows). */
export class PgThreadsRepo implements ThreadsRepository {
  constructor(private readonly db: Sql) {}

  async replies(threadId: string, before: number, limit: number): Promise<MessageRow[]> {
    const rows = await this.db.rows<RawMessage>(
      `SELECT ${MESSAGE_COLS} FROM messages m WHERE m.thread_id = $1 AND m.event_order < $2 AND m.deleted = 0
       ORDER BY m.event_order DESC LIMIT $3`,
      [threadId, before, limit],
    );
    return rows.map(toMessageRow);
  }
  async recount(threadId: string): Promise<ThreadSummary> {
    const count = num((await this.db.row<{ n: number }>('SELECT COUNT(*) AS n FROM messages WHERE thread_id = $1 AND deleted = 0', [threadId]))?.n);
    const recent = await this.db.rows<{ author_id: string; created_at: number; event_order: number }>(
      `SELECT author_id, created_at, event_order FROM messages WHERE thread_id = $1 AND deleted = 0
       ORDER BY event_order DESC LIMIT $2`,
      [threadId, AUTHOR_SCAN],
    );
    const lastAuthorIds: string[] = [];
    for (const r of recent) {
      if (lastAuthorIds.length === 3) break;
      if (!lastAuthorIds.includes(r.author_id)) lastAuthorIds.push(r.author_id);
    }
    return { count, lastAt: num(recent[0]?.created_at), lastOrder: num(recent[0]?.event_order), lastAuthorIds };
  }
  async setSummary(threadId: string, t: ThreadSummary): Promise<void> {
    await this.db.run(
      'UPDATE messages SET reply_count = $1, last_reply_at = $2, last_reply_order = $3, last_reply_authors = $4 WHERE id = $5',
      [t.count, t.lastAt, t.lastOrder, JSON.stringify(t.lastAuthorIds), threadId],
    );
  }
  async follow(userId: string, threadId: string): Promise<FollowRow | null> {
    const r = await this.db.row<RawFollow>(`SELECT ${FOLLOW_COLS} FROM thread_follows WHERE user_id = $1 AND thread_id = $2`, [userId, threadId]);
    return r ? toFollow(r) : null;
  }
  async setFollow(f: FollowRow): Promise<void> {
    await this.db.run(
      `INSERT INTO thread_follows (user_id, thread_id, room_id, following, level, muted, read_order, unread, mentions)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (user_id, thread_id) DO UPDATE SET following = excluded.following, level = excluded.level,
         muted = excluded.muted, read_order = excluded.read_order, unread = excluded.unread, mentions = excluded.mentions`,
      [f.userId, f.threadId, f.roomId, f.following ? 1 : 0, f.level, f.muted ? 1 : 0, f.readOrder, f.unread, f.mentions],
    );
  }
  async followed(userId: string): Promise<FollowRow[]> {
    // By thread, as SQLite reads them along the primary key.
    return (await this.db.rows<RawFollow>(`SELECT ${FOLLOW_COLS} FROM thread_follows WHERE user_id = $1 AND following = 1 ORDER BY thread_id`, [userId])).map(toFollow);
  }
  async followers(threadId: string): Promise<FollowRow[]> {
    // In the order they first followed, as SQLite reads them along thread_follows_thread.
    return (await this.db.rows<RawFollow>(`SELECT ${FOLLOW_COLS} FROM thread_follows WHERE thread_id = $1 AND following = 1 ORDER BY rowid`, [threadId])).map(toFollow);
  }
  async countReply(threadId: string, authorId: string, mentioned: readonly string[]): Promise<void> {
    // One statement per reply, over the thread's followers only: O(followers).
    await this.db.run(
      `UPDATE thread_follows SET unread = unread + 1, mentions = mentions + (user_id = ANY($1::text[]))::int
       WHERE thread_id = $2 AND following = 1 AND user_id <> $3`,
      [[...mentioned], threadId, authorId],
    );
  }
  async unreadCount(userId: string, threadId: string, marker: number): Promise<number> {
    // Along messages_thread_order, stopping at the cap, like a room's count.
    const r = await this.db.row<{ n: number }>(
      `SELECT COUNT(*) AS n FROM (
         SELECT 1 FROM messages WHERE thread_id = $1 AND event_order > $2 AND deleted = 0 AND author_id <> $3 LIMIT $4) x`,
      [threadId, marker, userId, UNREAD_COUNT_CAP],
    );
    return num(r?.n);
  }
  async mentionCount(userId: string, roomId: string, threadId: string, marker: number): Promise<number> {
    const r = await this.db.row<{ n: number }>(
      `SELECT COUNT(*) AS n FROM message_mentions mm
       JOIN messages m ON m.id = mm.message_id AND m.deleted = 0 AND m.thread_id = $1
       WHERE mm.user_id = $2 AND mm.room_id = $3 AND mm.event_order > $4`,
      [threadId, userId, roomId, marker],
    );
    return num(r?.n);
  }
}
