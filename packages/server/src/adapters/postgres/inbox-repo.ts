import type { InboxItem, InboxKind, InboxSettings } from '@open-discord/protocol';
import { INBOX_KINDS, INBOX_LIMITS } from '@open-discord/protocol';
import type { FanoutAudience, FanoutJob, InboxRepository, NewInboxItem } from '../../features/inbox/repository.js';
import { num, type Sql } from './repo-sql.js';

interface RawItem {
  id: string;
  kind: string;
  room_id: string;
  message_id: string;
  thread_id: string | null;
  actor_id: string;
  emoji: string | null;
  item_order: number;
  created_at: number;
  read: number;
  text: string;
  title: string | null;
}

const toItem = (r: RawItem): InboxItem => ({
  id: r.id,
  kind: r.kind as InboxKind,
  roomId: r.room_id,
  messageId: r.message_id,
  ...(r.thread_id !== null && { threadId: r.thread_id }),
  actorId: r.actor_id,
  ...(r.title !== null && { title: r.title }),
  excerpt: [...r.text].slice(0, INBOX_LIMITS.excerpt).join(''),
  ...(r.emoji !== null && { emoji: r.emoji }),
  order: Number(r.item_order),
  createdAt: Number(r.created_at),
  read: Number(r.read) !== 0,
});

interface RawJob {
  seq: number;
  audience: string;
  kind: string;
  room_id: string;
  message_id: string;
  thread_id: string | null;
  actor_id: string;
  item_order: number;
  created_at: number;
  skip: string;
  cursor: string;
}

/** Live items of the user ($1) in the rooms given ($2): the message must still be there. */
const LIVE = `FROM inbox_items i JOIN messages m ON m.id = i.message_id
  WHERE i.user_id = $1 AND i.room_id = ANY($2::text[]) AND m.deleted = 0`;

/** PostgreSQL implementation of the inbox feature's InboxRepository (inbox_items, inbox_settings). */
export class PgInboxRepo implements InboxRepository {
  constructor(private readonly db: Sql) {}

  async insert(item: NewInboxItem): Promise<void> {
    await this.db.run(
      `INSERT INTO inbox_items (id, user_id, kind, room_id, message_id, thread_id, actor_id, emoji, item_order, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [item.id, item.userId, item.kind, item.roomId, item.messageId, item.threadId, item.actorId, item.emoji, item.order, item.createdAt],
    );
  }
  async list(userId: string, roomIds: readonly string[], page: { before: number; limit: number; unreadOnly: boolean }): Promise<InboxItem[]> {
    if (roomIds.length === 0) return [];
    // The title is the post's the item is about: the thread's root for a comment, else the message itself.
    const rows = await this.db.rows<RawItem>(
      `SELECT i.id, i.kind, i.room_id, i.message_id, i.thread_id, i.actor_id, i.emoji, i.item_order, i.created_at, i.read,
         m.text, (SELECT title FROM posts p WHERE p.id = COALESCE(i.thread_id, i.message_id)) AS title
       ${LIVE} AND i.item_order < $3 AND i.read <= $4
       ORDER BY i.item_order DESC, i.id LIMIT $5`,
      [userId, [...roomIds], page.before, page.unreadOnly ? 0 : 1, page.limit],
    );
    return rows.map(toItem);
  }
  async unread(userId: string, roomIds: readonly string[]): Promise<number> {
    if (roomIds.length === 0) return 0;
    return num((await this.db.row<{ n: number }>(`SELECT COUNT(*) AS n ${LIVE} AND i.read = 0`, [userId, [...roomIds]]))?.n);
  }
  async markRead(userId: string, ids: readonly string[]): Promise<string[]> {
    // One statement: the rows it changed are the ones that were unread.
    const rows = await this.db.rows<{ id: string }>(
      'UPDATE inbox_items SET read = 1 WHERE user_id = $1 AND read = 0 AND id = ANY($2::text[]) RETURNING id',
      [userId, [...ids]],
    );
    // In the order SQLite reads them (its primary key).
    return rows.map((r) => r.id).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
  async markAllRead(userId: string, through: number): Promise<void> {
    await this.db.run('UPDATE inbox_items SET read = 1 WHERE user_id = $1 AND read = 0 AND item_order <= $2', [userId, through]);
  }
  async settings(userId: string): Promise<InboxSettings> {
    const r = await this.db.row<{ off: string }>('SELECT off FROM inbox_settings WHERE user_id = $1', [userId]);
    const off = new Set(JSON.parse(r?.off ?? '[]') as string[]);
    return Object.fromEntries(INBOX_KINDS.map((k) => [k, !off.has(k)])) as InboxSettings;
  }
  async declining(userIds: readonly string[], kind: InboxKind, actorId: string): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const rows = await this.db.rows<{ id: string }>(
      `SELECT s.user_id AS id FROM inbox_settings s
         WHERE s.user_id = ANY($1::text[]) AND EXISTS (SELECT 1 FROM json_array_elements_text(s.off::json) k WHERE k = $2)
       UNION
       SELECT b.user_id AS id FROM user_blocks b WHERE b.user_id = ANY($1::text[]) AND b.blocked_id = $3`,
      [[...userIds], kind, actorId],
    );
    return new Set(rows.map((r) => r.id));
  }
  async setSettings(userId: string, s: InboxSettings): Promise<void> {
    await this.db.run('INSERT INTO inbox_settings (user_id, off) VALUES ($1, $2) ON CONFLICT (user_id) DO UPDATE SET off = excluded.off', [
      userId,
      JSON.stringify(INBOX_KINDS.filter((k) => !s[k])),
    ]);
  }
  async removeReaction(userId: string, messageId: string, actorId: string, emoji: string): Promise<string[]> {
    const rows = await this.db.rows<{ id: string }>(
      "DELETE FROM inbox_items WHERE user_id = $1 AND message_id = $2 AND actor_id = $3 AND kind = 'reaction' AND emoji = $4 RETURNING id",
      [userId, messageId, actorId, emoji],
    );
    return rows.map((r) => r.id);
  }
  async queueFanout(job: Omit<FanoutJob, 'seq' | 'cursor'>): Promise<void> {
    await this.db.run(
      `INSERT INTO inbox_fanout (audience, kind, room_id, message_id, thread_id, actor_id, item_order, created_at, skip)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [job.audience, job.kind, job.roomId, job.messageId, job.threadId, job.actorId, job.order, job.createdAt, JSON.stringify(job.skip)],
    );
  }
  async nextFanout(): Promise<FanoutJob | null> {
    const r = await this.db.row<RawJob>('SELECT * FROM inbox_fanout ORDER BY seq LIMIT 1');
    if (!r) return null;
    return {
      seq: Number(r.seq),
      audience: r.audience as FanoutAudience,
      kind: r.kind as InboxKind,
      roomId: r.room_id,
      messageId: r.message_id,
      threadId: r.thread_id,
      actorId: r.actor_id,
      order: Number(r.item_order),
      createdAt: Number(r.created_at),
      skip: JSON.parse(r.skip) as string[],
      cursor: r.cursor,
    };
  }
  async advanceFanout(seq: number, cursor: string): Promise<void> {
    await this.db.run('UPDATE inbox_fanout SET cursor = $1 WHERE seq = $2', [cursor, seq]);
  }
  async finishFanout(seq: number): Promise<void> {
    await this.db.run('DELETE FROM inbox_fanout WHERE seq = $1', [seq]);
  }
}
