import type { Reaction } from '@open-discord/protocol';
import type { ReactionsRepository } from '../../features/reactions/repository.js';
import { ids, num, type Sql } from './repo-sql.js';

/** PostgreSQL implementation of the reactions feature's ReactionsRepository (message_reactions). */
export class PgReactionsRepo implements ReactionsRepository {
  constructor(private readonly db: Sql) {}

  async has(messageId: string, userId: string, emoji: string): Promise<boolean> {
    return (await this.db.row('SELECT 1 AS n FROM message_reactions WHERE message_id = $1 AND user_id = $2 AND emoji = $3', [messageId, userId, emoji])) !== null;
  }
  async emojiOn(messageId: string, emoji: string): Promise<{ distinct: number; present: boolean }> {
    const r = await this.db.row<{ distinct_n: number; present: number }>(
      `SELECT COUNT(DISTINCT emoji) AS distinct_n, COALESCE(MAX((emoji = $1)::int), 0) AS present
       FROM message_reactions WHERE message_id = $2`,
      [emoji, messageId],
    );
    return { distinct: num(r?.distinct_n), present: num(r?.present) !== 0 };
  }
  async add(messageId: string, userId: string, emoji: string, createdAt: number): Promise<void> {
    // An emoji the message already has keeps its place; a new one goes after the others.
    await this.db.run(
      `INSERT INTO message_reactions (message_id, user_id, emoji, emoji_seq, created_at)
       VALUES ($1, $2, $3, COALESCE(
         (SELECT MIN(emoji_seq) FROM message_reactions WHERE message_id = $1 AND emoji = $3),
         (SELECT COALESCE(MAX(emoji_seq), 0) + 1 FROM message_reactions WHERE message_id = $1)), $4)
       ON CONFLICT DO NOTHING`,
      [messageId, userId, emoji, createdAt],
    );
  }
  async remove(messageId: string, userId: string, emoji: string): Promise<void> {
    await this.db.run('DELETE FROM message_reactions WHERE message_id = $1 AND user_id = $2 AND emoji = $3', [messageId, userId, emoji]);
  }
  async ofMessages(messageIds: readonly string[]): Promise<Map<string, Reaction[]>> {
    const out = new Map<string, Reaction[]>();
    if (messageIds.length === 0) return out;
    // Emoji by their place, users in the order they reacted (rowid: the insertion order).
    const rows = await this.db.rows<{ message_id: string; user_id: string; emoji: string }>(
      `SELECT message_id, user_id, emoji FROM message_reactions WHERE message_id = ANY($1::text[])
       ORDER BY message_id, emoji_seq, rowid`,
      [ids(messageIds)],
    );
    for (const r of rows) {
      let list = out.get(r.message_id);
      if (!list) out.set(r.message_id, (list = []));
      const entry = list.find((x) => x.emoji === r.emoji);
      if (entry) entry.userIds.push(r.user_id);
      else list.push({ emoji: r.emoji, userIds: [r.user_id] });
    }
    return out;
  }
  async removeAll(messageId: string): Promise<void> {
    await this.db.run('DELETE FROM message_reactions WHERE message_id = $1', [messageId]);
  }
}
