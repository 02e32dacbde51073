import type { AccountErasure, ErasePlan } from '../../features/account-security/repository.js';
import type { Db } from './db.js';
import { CONTENT_TYPES, TOMBSTONE } from './retention-repo.js';

const IN_CONTENT = `type IN (${CONTENT_TYPES.map((t) => `'${t}'`).join(', ')})`;
/** The message a content event is about (the same paths retention reads). */
const MESSAGE_OF = `COALESCE(json_extract(data, '$.message.id'), json_extract(data, '$.messageId'), json_extract(data, '$.threadId'),
  json_extract(data, '$.post.id'), json_extract(data, '$.postId'))`;
const list = (ids: readonly string[]) => JSON.stringify(ids);

/**
 * The SQL of deleting an account (AccountSecurityRepository.eraseAccount). It reads across features' tables
 * on purpose: it is the one place that removes everything a user left behind. Runs inside the caller's
 * transaction; deletes zero their pages (`secure_delete`), and the search indexes drop a row's entries by
 * trigger, so what is deleted here is gone from the database file once the write-ahead log is folded back.
 */
export class SqliteAccountDeletion {
  private readonly s;
  constructor(db: Db) {
    const del = (table: string, column = 'user_id') => db.prepare(`DELETE FROM ${table} WHERE ${column} = ?`);
    this.s = {
      dmRooms: db.prepare<[string], { room_id: string }>(
        `SELECT d.room_id FROM dm_rooms d JOIN room_members m ON m.room_id = d.room_id AND m.user_id = ?`,
      ),
      authored: db.prepare<[string], { id: string; room_id: string }>(
        `SELECT id, room_id FROM messages WHERE author_id = ? AND deleted = 0
           AND room_id NOT IN (SELECT room_id FROM dm_rooms) ORDER BY event_order`,
      ),
      joined: db.prepare<[string], { id: string; kind: string; created_by: string | null }>(
        `SELECT r.id, r.kind, r.created_by FROM room_members m JOIN rooms r ON r.id = m.room_id
          WHERE m.user_id = ? AND r.deleted = 0 AND r.id NOT IN (SELECT room_id FROM dm_rooms) ORDER BY r.id`,
      ),
      reactionsBy: db.prepare<[string], { message_id: string; room_id: string; emoji: string }>(
        `SELECT r.message_id, m.room_id, r.emoji FROM message_reactions r JOIN messages m ON m.id = r.message_id
          WHERE r.user_id = ? AND m.room_id NOT IN (SELECT room_id FROM dm_rooms)`,
      ),
      avatar: db.prepare<[string], { avatar_file_id: string | null }>('SELECT avatar_file_id FROM profiles WHERE user_id = ?'),
      // Erase: the text goes (the search indexes follow by trigger), and every log row that carried it or
      // anything about these messages becomes a tombstone.
      blank: db.prepare(
        "UPDATE messages SET deleted = 1, text = '', mentions = NULL, attachments = NULL WHERE id IN (SELECT value FROM json_each(?))",
      ),
      // A post erased with its root message: its title and tags go too (the root's trigger marks it deleted).
      blankPosts: db.prepare("UPDATE posts SET title = '', tags = '[]' WHERE id IN (SELECT value FROM json_each(?))"),
      delPostTags: db.prepare('DELETE FROM post_tags WHERE post_id IN (SELECT value FROM json_each(?))'),
      delMentionsOf: db.prepare('DELETE FROM message_mentions WHERE message_id IN (SELECT value FROM json_each(?))'),
      delReactionsOn: db.prepare('DELETE FROM message_reactions WHERE message_id IN (SELECT value FROM json_each(?))'),
      delLinksOf: db.prepare('DELETE FROM message_files WHERE message_id IN (SELECT value FROM json_each(?))'),
      tombstoneAbout: db.prepare(
        `UPDATE events SET ${TOMBSTONE} WHERE ${IN_CONTENT} AND room_id IN (SELECT value FROM json_each(?))
           AND ${MESSAGE_OF} IN (SELECT value FROM json_each(?))`,
      ),
      filesOf: db.prepare<[string], { file_id: string }>(
        'SELECT DISTINCT file_id FROM message_files WHERE message_id IN (SELECT value FROM json_each(?))',
      ),
      // A DM goes whole: both sides' messages, the log rows that carried them, the room itself.
      roomMessages: db.prepare<[string], { id: string }>('SELECT id FROM messages WHERE room_id = ?'),
      delRoomMessages: db.prepare('DELETE FROM messages WHERE room_id = ?'),
      delRoomFollows: db.prepare('DELETE FROM thread_follows WHERE room_id = ?'),
      tombstoneRoom: db.prepare(`UPDATE events SET ${TOMBSTONE} WHERE room_id = ? AND ${IN_CONTENT}`),
      delRoomMarkers: db.prepare('DELETE FROM read_markers WHERE room_id = ?'),
      delRoomSettings: db.prepare('DELETE FROM room_settings WHERE room_id = ?'),
      delDmRoom: db.prepare('DELETE FROM dm_rooms WHERE room_id = ?'),
      // The other member stays a member of the deleted room: that is who its room.deleted reaches.
      markRoomDeleted: db.prepare('UPDATE rooms SET deleted = 1 WHERE id = ?'),
      // Log rows that carry the user's own private data (bio, avatar, whom they follow, bookmarks, reactions).
      tombstoneOwn: db.prepare(
        `UPDATE events SET ${TOMBSTONE} WHERE type IN ('profile.updated', 'user.followed', 'user.unfollowed', 'bookmark.added',
           'bookmark.removed', 'reaction.added', 'reaction.removed')
           AND (actor_id = @u OR target_user_id = @u OR json_extract(data, '$.followeeId') = @u OR json_extract(data, '$.userId') = @u)`,
      ),
      // The user's own rows, feature by feature.
      mine: [
        del('refresh_tokens'),
        del('sessions'),
        del('two_factor'),
        del('recovery_codes'),
        del('reset_codes'),
        del('user_roles'),
        del('read_markers'),
        del('room_settings'),
        del('notify_defaults'),
        del('highlight_words'),
        del('message_reactions'),
        del('message_mentions'),
        del('thread_follows'),
        del('bookmarks'),
        del('profiles'),
        del('room_members'),
        del('group_admins'),
        del('user_blocks'),
        del('user_blocks', 'blocked_id'),
        del('user_follows', 'follower_id'),
        del('user_follows', 'followee_id'),
        del('inbox_items'),
        del('inbox_settings'),
      ],
      // Files the user uploaded that no live message carries (their avatar, unsent uploads, erased attachments).
      unlinked: db.prepare<[string, string], { id: string; sha256: string }>(
        `SELECT id, sha256 FROM files f WHERE (f.uploader_id = ? OR f.id IN (SELECT value FROM json_each(?)))
           AND NOT EXISTS (SELECT 1 FROM message_files mf JOIN messages m ON m.id = mf.message_id WHERE mf.file_id = f.id AND m.deleted = 0)`,
      ),
      delLinksOfFiles: db.prepare('DELETE FROM message_files WHERE file_id IN (SELECT value FROM json_each(?))'),
      delFiles: db.prepare('DELETE FROM files WHERE id IN (SELECT value FROM json_each(?))'),
      blobInUse: db.prepare<[string], { x: number }>('SELECT 1 AS x FROM files WHERE sha256 = ? LIMIT 1'),
      forget: db.prepare(
        `UPDATE users SET username = ?, nickname = ?, nickname_lc = ?, password_hash = '', highlights = NULL, status_text = NULL,
           removed = 1, removed_reason = 'deleted', token_version = token_version + 1 WHERE id = ?`,
      ),
      hold: db.prepare('INSERT INTO name_holds (key_hash, until) VALUES (?, ?) ON CONFLICT (key_hash) DO UPDATE SET until = max(until, excluded.until)'),
      held: db.prepare<[string, number], { x: number }>('SELECT 1 AS x FROM name_holds WHERE key_hash = ? AND until > ?'),
      dropHolds: db.prepare('DELETE FROM name_holds WHERE until <= ?'),
    };
  }

  /** What hangs off these messages (a JSON list of ids) goes: mentions, reactions, file links; returns the files they carried. */
  private dropAttached(ids: string): string[] {
    const files = this.s.filesOf.all(ids).map((f) => f.file_id);
    this.s.delMentionsOf.run(ids);
    this.s.delReactionsOn.run(ids);
    this.s.delLinksOf.run(ids);
    return files;
  }

  dmRoomsOf(userId: string): string[] {
    return this.s.dmRooms.all(userId).map((r) => r.room_id);
  }

  plan(userId: string): ErasePlan {
    return {
      dmRooms: this.dmRoomsOf(userId),
      messages: this.s.authored.all(userId).map((r) => ({ id: r.id, roomId: r.room_id })),
      joined: this.s.joined.all(userId).map((r) => ({ roomId: r.id, group: r.kind === 'group', owner: r.kind === 'group' && r.created_by === userId })),
      reactions: this.s.reactionsBy.all(userId).map((r) => ({ messageId: r.message_id, roomId: r.room_id, emoji: r.emoji })),
    };
  }

  erase(userId: string, e: AccountErasure): { blobs: string[] } {
    const s = this.s;
    const fileIds: string[] = [];
    const avatar = s.avatar.get(userId)?.avatar_file_id;
    if (avatar) fileIds.push(avatar);
    if (e.eraseMessages.length > 0) {
      const ids = list(e.eraseMessages.map((m) => m.id));
      const rooms = list([...new Set(e.eraseMessages.map((m) => m.roomId))]);
      fileIds.push(...this.dropAttached(ids));
      s.blank.run(ids);
      s.blankPosts.run(ids);
      s.delPostTags.run(ids);
      s.tombstoneAbout.run(rooms, ids);
    }
    for (const roomId of e.dmRooms) {
      fileIds.push(...this.dropAttached(list(s.roomMessages.all(roomId).map((m) => m.id))));
      s.delRoomFollows.run(roomId);
      s.delRoomMessages.run(roomId);
      s.tombstoneRoom.run(roomId);
      s.delRoomMarkers.run(roomId);
      s.delRoomSettings.run(roomId);
      s.delDmRoom.run(roomId);
      s.markRoomDeleted.run(roomId);
    }
    s.tombstoneOwn.run({ u: userId });
    for (const stmt of s.mine) stmt.run(userId);
    const gone = s.unlinked.all(userId, list(fileIds));
    if (gone.length > 0) {
      const goneIds = list(gone.map((g) => g.id));
      s.delLinksOfFiles.run(goneIds);
      s.delFiles.run(goneIds);
    }
    s.forget.run(e.username, e.nickname, e.nicknameKey, userId);
    s.dropHolds.run(e.now);
    for (const h of e.holds) s.hold.run(h, e.holdUntil);
    return { blobs: [...new Set(gone.map((g) => g.sha256))].filter((sha) => s.blobInUse.get(sha) === undefined) };
  }

  /** A read: it may run outside a write (expired holds are dropped by the next deletion's write). */
  nameHeld(keyHash: string, now: number): boolean {
    return this.s.held.get(keyHash, now) !== undefined;
  }
}
