import type { Reaction } from '@open-discord/protocol';
import type { ReactionsRepository } from '../../features/reactions/repository.js';
import type { Db } from './db.js';

/** SQLite implementation of the reactions feature's ReactionsRepository (the message_reactions table). */
export class SqliteReactionsRepo implements ReactionsRepository {
  private readonly s;
  constructor(db: Db) {
    this.s = {
      has: db.prepare<[string, string, string], { n: number }>(
        'SELECT 1 AS n FROM message_reactions WHERE message_id = ? AND user_id = ? AND emoji = ?',
      ),
      emojiOn: db.prepare<[string, string], { distinct_n: number; present: number }>(
        `SELECT COUNT(DISTINCT emoji) AS distinct_n, COALESCE(MAX(emoji = ?), 0) AS present
         FROM message_reactions WHERE message_id = ?`,
      ),
      // An emoji the message already has keeps its place; a new one goes after the others.
      add: db.prepare<{ m: string; u: string; e: string; t: number }>(
        `INSERT OR IGNORE INTO message_reactions (message_id, user_id, emoji, emoji_seq, created_at)
         VALUES (@m, @u, @e, COALESCE(
           (SELECT MIN(emoji_seq) FROM message_reactions WHERE message_id = @m AND emoji = @e),
           (SELECT COALESCE(MAX(emoji_seq), 0) + 1 FROM message_reactions WHERE message_id = @m)), @t)`,
      ),
      remove: db.prepare('DELETE FROM message_reactions WHERE message_id = ? AND user_id = ? AND emoji = ?'),
      // Emoji by their place, users in the order they reacted (rowid is the insertion order).
      of: db.prepare<[string], { message_id: string; user_id: string; emoji: string }>(
        `SELECT message_id, user_id, emoji FROM message_reactions
         WHERE message_id IN (SELECT value FROM json_each(?)) ORDER BY message_id, emoji_seq, rowid`,
      ),
      removeAll: db.prepare('DELETE FROM message_reactions WHERE message_id = ?'),
    };
  }

  has(messageId: string, userId: string, emoji: string): boolean {
    return this.s.has.get(messageId, userId, emoji) !== undefined;
  }
  emojiOn(messageId: string, emoji: string): { distinct: number; present: boolean } {
    const r = this.s.emojiOn.get(emoji, messageId)!;
    return { distinct: r.distinct_n, present: r.present !== 0 };
  }
  add(messageId: string, userId: string, emoji: string, createdAt: number): void {
    this.s.add.run({ m: messageId, u: userId, e: emoji, t: createdAt });
  }
  remove(messageId: string, userId: string, emoji: string): void {
    this.s.remove.run(messageId, userId, emoji);
  }
  ofMessages(messageIds: readonly string[]): Map<string, Reaction[]> {
    const out = new Map<string, Reaction[]>();
    if (messageIds.length === 0) return out;
    for (const r of this.s.of.all(JSON.stringify(messageIds))) {
      let list = out.get(r.message_id);
      if (!list) out.set(r.message_id, (list = []));
      const entry = list.find((x) => x.emoji === r.emoji);
      if (entry) entry.userIds.push(r.user_id);
      else list.push({ emoji: r.emoji, userIds: [r.user_id] });
    }
    return out;
  }
  removeAll(messageId: string): void {
    this.s.removeAll.run(messageId);
  }
}
