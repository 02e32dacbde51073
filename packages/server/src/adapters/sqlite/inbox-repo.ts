import type { InboxItem, InboxKind, InboxSettings } from '@open-discord/protocol';
import { INBOX_KINDS, INBOX_LIMITS } from '@open-discord/protocol';
import type { FanoutAudience, FanoutJob, InboxRepository, NewInboxItem } from '../../features/inbox/repository.js';
import type { Db } from './db.js';

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
  order: r.item_order,
  createdAt: r.created_at,
  read: r.read !== 0,
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

/** Live items of the user in the rooms given (a JSON array): the message must still be there. */
const LIVE = `FROM inbox_items i JOIN messages m ON m.id = i.message_id
  WHERE i.user_id = ? AND i.room_id IN (SELECT value FROM json_each(?)) AND m.deleted = 0`;

/** SQLite implementation of the inbox feature's InboxRepository (inbox_items, inbox_settings). */
export class SqliteInboxRepo implements InboxRepository {
  private readonly s;
  constructor(db: Db) {
    this.s = {
      insert: db.prepare(
        `INSERT INTO inbox_items (id, user_id, kind, room_id, message_id, thread_id, actor_id, emoji, item_order, created_at)
         VALUES (@id, @userId, @kind, @roomId, @messageId, @threadId, @actorId, @emoji, @order, @createdAt)`,
      ),
      list: db.prepare<[string, string, number, number, number], RawItem>(
        // The title is the post's the item is about: the thread's root for a comment, else the message itself.
        `SELECT i.id, i.kind, i.room_id, i.message_id, i.thread_id, i.actor_id, i.emoji, i.item_order, i.created_at, i.read,
           m.text, (SELECT title FROM posts p WHERE p.id = COALESCE(i.thread_id, i.message_id)) AS title
         ${LIVE} AND i.item_order < ? AND i.read <= ?
         ORDER BY i.item_order DESC, i.id LIMIT ?`,
      ),
      unread: db.prepare<[string, string], { n: number }>(`SELECT COUNT(*) AS n ${LIVE} AND i.read = 0`),
      unreadIds: db.prepare<[string, string], { id: string }>(
        'SELECT id FROM inbox_items WHERE user_id = ? AND read = 0 AND id IN (SELECT value FROM json_each(?))',
      ),
      markRead: db.prepare('UPDATE inbox_items SET read = 1 WHERE user_id = ? AND read = 0 AND id IN (SELECT value FROM json_each(?))'),
      markAll: db.prepare('UPDATE inbox_items SET read = 1 WHERE user_id = ? AND read = 0 AND item_order <= ?'),
      settings: db.prepare<[string], { off: string }>('SELECT off FROM inbox_settings WHERE user_id = ?'),
      declining: db.prepare<[string, string, string, string], { id: string }>(
        `SELECT s.user_id AS id FROM inbox_settings s
           WHERE s.user_id IN (SELECT value FROM json_each(?)) AND EXISTS (SELECT 1 FROM json_each(s.off) k WHERE k.value = ?)
         UNION
         SELECT b.user_id AS id FROM user_blocks b WHERE b.user_id IN (SELECT value FROM json_each(?)) AND b.blocked_id = ?`,
      ),
      removeReaction: db.prepare<[string, string, string, string], { id: string }>(
        "DELETE FROM inbox_items WHERE user_id = ? AND message_id = ? AND actor_id = ? AND kind = 'reaction' AND emoji = ? RETURNING id",
      ),
      queueFanout: db.prepare(
        `INSERT INTO inbox_fanout (audience, kind, room_id, message_id, thread_id, actor_id, item_order, created_at, skip)
         VALUES (@audience, @kind, @roomId, @messageId, @threadId, @actorId, @order, @createdAt, @skip)`,
      ),
      nextFanout: db.prepare<[], RawJob>('SELECT * FROM inbox_fanout ORDER BY seq LIMIT 1'),
      advanceFanout: db.prepare('UPDATE inbox_fanout SET cursor = ? WHERE seq = ?'),
      finishFanout: db.prepare('DELETE FROM inbox_fanout WHERE seq = ?'),
      setSettings: db.prepare(
        'INSERT INTO inbox_settings (user_id, off) VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET off = excluded.off',
      ),
    };
  }

  insert(item: NewInboxItem): void {
    this.s.insert.run(item);
  }
  list(userId: string, roomIds: readonly string[], page: { before: number; limit: number; unreadOnly: boolean }): InboxItem[] {
    if (roomIds.length === 0) return [];
    return this.s.list.all(userId, JSON.stringify(roomIds), page.before, page.unreadOnly ? 0 : 1, page.limit).map(toItem);
  }
  unread(userId: string, roomIds: readonly string[]): number {
    if (roomIds.length === 0) return 0;
    return this.s.unread.get(userId, JSON.stringify(roomIds))!.n;
  }
  markRead(userId: string, ids: readonly string[]): string[] {
    const json = JSON.stringify(ids);
    const out = this.s.unreadIds.all(userId, json).map((r) => r.id);
    if (out.length) this.s.markRead.run(userId, json);
    return out;
  }
  markAllRead(userId: string, through: number): void {
    this.s.markAll.run(userId, through);
  }
  settings(userId: string): InboxSettings {
    const off = new Set(JSON.parse(this.s.settings.get(userId)?.off ?? '[]') as string[]);
    return Object.fromEntries(INBOX_KINDS.map((k) => [k, !off.has(k)])) as InboxSettings;
  }
  declining(userIds: readonly string[], kind: InboxKind, actorId: string): Set<string> {
    if (userIds.length === 0) return new Set();
    const json = JSON.stringify(userIds);
    return new Set(this.s.declining.all(json, kind, json, actorId).map((r) => r.id));
  }
  setSettings(userId: string, s: InboxSettings): void {
    this.s.setSettings.run(userId, JSON.stringify(INBOX_KINDS.filter((k) => !s[k])));
  }
  removeReaction(userId: string, messageId: string, actorId: string, emoji: string): string[] {
    return this.s.removeReaction.all(userId, messageId, actorId, emoji).map((r) => r.id);
  }
  queueFanout(job: Omit<FanoutJob, 'seq' | 'cursor'>): void {
    this.s.queueFanout.run({ ...job, skip: JSON.stringify(job.skip) });
  }
  nextFanout(): FanoutJob | null {
    const r = this.s.nextFanout.get();
    if (!r) return null;
    return {
      seq: r.seq,
      audience: r.audience as FanoutAudience,
      kind: r.kind as InboxKind,
      roomId: r.room_id,
      messageId: r.message_id,
      threadId: r.thread_id,
      actorId: r.actor_id,
      order: r.item_order,
      createdAt: r.created_at,
      skip: JSON.parse(r.skip) as string[],
      cursor: r.cursor,
    };
  }
  advanceFanout(seq: number, cursor: string): void {
    this.s.advanceFanout.run(cursor, seq);
  }
  finishFanout(seq: number): void {
    this.s.finishFanout.run(seq);
  }
}
