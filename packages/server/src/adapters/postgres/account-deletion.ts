import type { AccountErasure, ErasePlan } from '../../features/account-security/repository.js';
import { IN_CONTENT, MESSAGE_OF, TOMBSTONE } from './content-events.js';
import type { Sql } from './repo-sql.js';

/** The user's own rows, feature by feature: [table, column naming the user]. */
const MINE: ReadonlyArray<readonly [string, string]> = [
  ['refresh_tokens', 'user_id'],
  ['sessions', 'user_id'],
  ['two_factor', 'user_id'],
  ['app_passwords', 'user_id'],
  ['recovery_codes', 'user_id'],
  ['reset_codes', 'user_id'],
  ['user_roles', 'user_id'],
  ['read_markers', 'user_id'],
  ['room_settings', 'user_id'],
  ['notify_defaults', 'user_id'],
  ['highlight_words', 'user_id'],
  ['message_reactions', 'user_id'],
  ['message_mentions', 'user_id'],
  ['thread_follows', 'user_id'],
  ['bookmarks', 'user_id'],
  ['profiles', 'user_id'],
  ['room_members', 'user_id'],
  ['group_admins', 'user_id'],
  ['user_blocks', 'user_id'],
  ['user_blocks', 'blocked_id'],
  ['user_follows', 'follower_id'],
  ['user_follows', 'followee_id'],
  ['inbox_items', 'user_id'],
  ['inbox_settings', 'user_id'],
];

/**
 * The SQL of deleting an account (AccountSecurityRepository.eraseAccount), statement for statement as the
 * SQLite adapter's: it reads across features' tables on purpose, the one place that removes everything a user
 * left behind. Runs inside the caller's unit of work; the search entries, posts and inbox items of removed
 * messages go by the schema's triggers. The freed space is reclaimed by retention's `scrub` (VACUUM).
 */
export class PgAccountDeletion {
  constructor(private readonly db: Sql) {}

  /** What hangs off these messages goes: mentions, reactions, file links; returns the files they carried. */
  private async dropAttached(messageIds: string[]): Promise<string[]> {
    if (messageIds.length === 0) return [];
    const files = (await this.db.rows<{ file_id: string }>('SELECT DISTINCT file_id FROM message_files WHERE message_id = ANY($1::text[])', [messageIds])).map(
      (f) => f.file_id,
    );
    await this.db.run('DELETE FROM message_mentions WHERE message_id = ANY($1::text[])', [messageIds]);
    await this.db.run('DELETE FROM message_reactions WHERE message_id = ANY($1::text[])', [messageIds]);
    await this.db.run('DELETE FROM message_files WHERE message_id = ANY($1::text[])', [messageIds]);
    return files;
  }

  async dmRoomsOf(userId: string): Promise<string[]> {
    const rows = await this.db.rows<{ room_id: string }>(
      'SELECT d.room_id FROM dm_rooms d JOIN room_members m ON m.room_id = d.room_id AND m.user_id = $1 ORDER BY d.room_id',
      [userId],
    );
    return rows.map((r) => r.room_id);
  }

  async plan(userId: string): Promise<ErasePlan> {
    const messages = await this.db.rows<{ id: string; room_id: string }>(
      `SELECT id, room_id FROM messages WHERE author_id = $1 AND deleted = 0
         AND room_id NOT IN (SELECT room_id FROM dm_rooms) ORDER BY event_order`,
      [userId],
    );
    const joined = await this.db.rows<{ id: string; kind: string; created_by: string | null }>(
      `SELECT r.id, r.kind, r.created_by FROM room_members m JOIN rooms r ON r.id = m.room_id
        WHERE m.user_id = $1 AND r.deleted = 0 AND r.id NOT IN (SELECT room_id FROM dm_rooms) ORDER BY r.id`,
      [userId],
    );
    const reactions = await this.db.rows<{ message_id: string; room_id: string; emoji: string }>(
      `SELECT r.message_id, m.room_id, r.emoji FROM message_reactions r JOIN messages m ON m.id = r.message_id
        WHERE r.user_id = $1 AND m.room_id NOT IN (SELECT room_id FROM dm_rooms) ORDER BY r.rowid`,
      [userId],
    );
    return {
      dmRooms: await this.dmRoomsOf(userId),
      messages: messages.map((r) => ({ id: r.id, roomId: r.room_id })),
      joined: joined.map((r) => ({ roomId: r.id, group: r.kind === 'group', owner: r.kind === 'group' && r.created_by === userId })),
      reactions: reactions.map((r) => ({ messageId: r.message_id, roomId: r.room_id, emoji: r.emoji })),
    };
  }

  async erase(userId: string, e: AccountErasure): Promise<{ blobs: string[] }> {
    const db = this.db;
    const fileIds: string[] = [];
    const avatar = (await db.row<{ avatar_file_id: string | null }>('SELECT avatar_file_id FROM profiles WHERE user_id = $1', [userId]))?.avatar_file_id;
    if (avatar) fileIds.push(avatar);
    if (e.eraseMessages.length > 0) {
      const idList = e.eraseMessages.map((m) => m.id);
      const rooms = [...new Set(e.eraseMessages.map((m) => m.roomId))];
      fileIds.push(...(await this.dropAttached(idList)));
      // The text goes (the search entry follows by trigger), and so does a post's title and tags.
      await db.run("UPDATE messages SET deleted = 1, text = '', mentions = NULL, attachments = NULL WHERE id = ANY($1::text[])", [idList]);
      await db.run("UPDATE posts SET title = '', tags = '[]' WHERE id = ANY($1::text[])", [idList]);
      await db.run('DELETE FROM post_tags WHERE post_id = ANY($1::text[])', [idList]);
      // Every log row that carried the text or anything about these messages becomes a tombstone.
      await db.run(`UPDATE events SET ${TOMBSTONE} WHERE ${IN_CONTENT} AND room_id = ANY($1::text[]) AND ${MESSAGE_OF} = ANY($2::text[])`, [rooms, idList]);
    }
    for (const roomId of e.dmRooms) {
      // A DM goes whole: both sides' messages, the log rows that carried them, the room itself.
      const roomMessages = (await db.rows<{ id: string }>('SELECT id FROM messages WHERE room_id = $1', [roomId])).map((m) => m.id);
      fileIds.push(...(await this.dropAttached(roomMessages)));
      await db.run('DELETE FROM thread_follows WHERE room_id = $1', [roomId]);
      await db.run('DELETE FROM messages WHERE room_id = $1', [roomId]);
      await db.run(`UPDATE events SET ${TOMBSTONE} WHERE room_id = $1 AND ${IN_CONTENT}`, [roomId]);
      await db.run('DELETE FROM read_markers WHERE room_id = $1', [roomId]);
      await db.run('DELETE FROM room_settings WHERE room_id = $1', [roomId]);
      await db.run('DELETE FROM dm_rooms WHERE room_id = $1', [roomId]);
      // The other member stays a member of the deleted room: that is who its room.deleted reaches.
      await db.run('UPDATE rooms SET deleted = 1 WHERE id = $1', [roomId]);
    }
    // Log rows that carry the user's own private data (bio, avatar, whom they follow, bookmarks, reactions).
    await db.run(
      `UPDATE events SET ${TOMBSTONE} WHERE type IN ('profile.updated', 'user.followed', 'user.unfollowed', 'bookmark.added',
         'bookmark.removed', 'reaction.added', 'reaction.removed')
         AND (actor_id = $1 OR target_user_id = $1 OR data::jsonb ->> 'followeeId' = $1 OR data::jsonb ->> 'userId' = $1)`,
      [userId],
    );
    for (const [table, column] of MINE) await db.run(`DELETE FROM ${table} WHERE ${column} = $1`, [userId]);
    // Files the user uploaded that no live message carries (their avatar, unsent uploads, erased attachments).
    const gone = await db.rows<{ id: string; sha256: string }>(
      `SELECT id, sha256 FROM files f WHERE (f.uploader_id = $1 OR f.id = ANY($2::text[]))
         AND NOT EXISTS (SELECT 1 FROM message_files mf JOIN messages m ON m.id = mf.message_id WHERE mf.file_id = f.id AND m.deleted = 0)
       ORDER BY id`,
      [userId, fileIds],
    );
    if (gone.length > 0) {
      const goneIds = gone.map((g) => g.id);
      await db.run('DELETE FROM message_files WHERE file_id = ANY($1::text[])', [goneIds]);
      await db.run('DELETE FROM files WHERE id = ANY($1::text[])', [goneIds]);
    }
    await db.run(
      `UPDATE users SET username = $1, nickname = $2, nickname_lc = $3, password_hash = '', highlights = NULL, status_text = NULL,
         removed = 1, removed_reason = 'deleted', token_version = token_version + 1 WHERE id = $4`,
      [e.username, e.nickname, e.nicknameKey, userId],
    );
    await db.run('DELETE FROM name_holds WHERE until <= $1', [e.now]);
    for (const h of e.holds) {
      await db.run(
        'INSERT INTO name_holds (key_hash, until) VALUES ($1, $2) ON CONFLICT (key_hash) DO UPDATE SET until = GREATEST(name_holds.until, excluded.until)',
        [h, e.holdUntil],
      );
    }
    const blobs: string[] = [];
    for (const sha of new Set(gone.map((g) => g.sha256))) {
      if ((await db.row('SELECT 1 AS x FROM files WHERE sha256 = $1 LIMIT 1', [sha])) === null) blobs.push(sha);
    }
    return { blobs };
  }

  /** A read: it may run outside a write (expired holds are dropped by the next deletion's write). */
  async nameHeld(keyHash: string, now: number): Promise<boolean> {
    return (await this.db.row('SELECT 1 AS x FROM name_holds WHERE key_hash = $1 AND until > $2', [keyHash, now])) !== null;
  }
}
