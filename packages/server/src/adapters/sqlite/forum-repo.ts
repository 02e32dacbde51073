import type { Post, PostSort } from '@open-discord/protocol';
import type { ForumRepository, NewPost, PostPage, ProfileRow } from '../../features/forum/repository.js';
import type { Db } from './db.js';

interface RawPost {
  id: string;
  room_id: string;
  author_id: string;
  title: string;
  tags: string;
  post_order: number;
  created_at: number;
  last_order: number;
  last_at: number;
  locked: number;
  pinned: number;
  deleted: number;
  reply_count: number;
  edited_at: number | null;
}

const toPost = (r: RawPost): Post => ({
  id: r.id,
  roomId: r.room_id,
  authorId: r.author_id,
  title: r.title,
  tags: JSON.parse(r.tags) as string[],
  createdAt: r.created_at,
  order: r.post_order,
  lastOrder: r.last_order,
  lastAt: r.last_at,
  comments: r.reply_count,
  locked: r.locked !== 0,
  pinned: r.pinned !== 0,
  ...(r.edited_at !== null && { editedAt: r.edited_at }),
});

/** A post with its root message's comment count and edit time. */
const COLS = `p.id, p.room_id, p.author_id, p.title, p.tags, p.post_order, p.created_at, p.last_order, p.last_at,
  p.locked, p.pinned, p.deleted, m.reply_count, m.edited_at`;
const IN_ROOMS = 'p.room_id IN (SELECT value FROM json_each(?))';
/** The order column each sort pages by (both indexed per board). */
const SORT_COL: Record<PostSort, string> = { latest: 'p.last_order', newest: 'p.post_order' };
/** The same orders as the tag index keeps them. */
const TAG_COL: Record<PostSort, string> = { latest: 't.last_order', newest: 't.post_order' };

/** SQLite implementation of the forum feature's ForumRepository (posts, post_tags, bookmarks, user_follows, profiles). */
export class SqliteForumRepo implements ForumRepository {
  private readonly s;
  constructor(db: Db) {
    const board = (sort: PostSort, tagged: boolean) =>
      db.prepare<unknown[], RawPost>(
        tagged
          ? // Walks the tag's index for this board in the sort's order (t.*, indexed), not the board's posts.
            `SELECT ${COLS} FROM post_tags t JOIN posts p ON p.id = t.post_id JOIN messages m ON m.id = p.id
             WHERE t.tag = ? AND t.room_id = ? AND p.deleted = 0 AND p.pinned = ? AND ${TAG_COL[sort]} < ?
             ORDER BY ${TAG_COL[sort]} DESC LIMIT ?`
          : `SELECT ${COLS} FROM posts p JOIN messages m ON m.id = p.id
             WHERE p.room_id = ? AND p.deleted = 0 AND p.pinned = ? AND ${SORT_COL[sort]} < ?
             ORDER BY ${SORT_COL[sort]} DESC LIMIT ?`,
      );
    this.s = {
      insert: db.prepare(
        `INSERT INTO posts (id, room_id, author_id, title, tags, post_order, created_at, last_order, last_at)
         VALUES (@id, @roomId, @authorId, @title, @tags, @order, @createdAt, @order, @createdAt)`,
      ),
      insertTag: db.prepare('INSERT OR IGNORE INTO post_tags (tag, post_order, post_id, room_id, last_order) VALUES (?, ?, ?, ?, ?)'),
      touchTags: db.prepare('UPDATE post_tags SET last_order = MAX(last_order, ?) WHERE post_id = ?'),
      dropTags: db.prepare('DELETE FROM post_tags WHERE post_id = ?'),
      post: db.prepare<[string], RawPost>(`SELECT ${COLS} FROM posts p JOIN messages m ON m.id = p.id WHERE p.id = ?`),
      setContent: db.prepare('UPDATE posts SET title = ?, tags = ? WHERE id = ?'),
      setFlags: db.prepare('UPDATE posts SET locked = ?, pinned = ? WHERE id = ?'),
      touch: db.prepare('UPDATE posts SET last_order = MAX(last_order, ?), last_at = ? WHERE id = ?'),
      board: {
        latest: board('latest', false),
        newest: board('newest', false),
        latestTagged: board('latest', true),
        newestTagged: board('newest', true),
      },
      tagged: db.prepare<[string, number, string, number], RawPost>(
        `SELECT ${COLS} FROM post_tags t JOIN posts p ON p.id = t.post_id JOIN messages m ON m.id = p.id
         WHERE t.tag = ? AND t.post_order < ? AND t.room_id IN (SELECT value FROM json_each(?)) AND p.deleted = 0
         ORDER BY t.post_order DESC LIMIT ?`,
      ),
      byAuthors: db.prepare<[string, string, number, number], RawPost>(
        `SELECT ${COLS} FROM posts p JOIN messages m ON m.id = p.id
         WHERE p.author_id IN (SELECT value FROM json_each(?)) AND ${IN_ROOMS} AND p.deleted = 0 AND p.post_order < ?
         ORDER BY p.post_order DESC LIMIT ?`,
      ),
      bookmark: db.prepare('INSERT OR IGNORE INTO bookmarks (user_id, post_id, created_order) VALUES (?, ?, ?)'),
      hasBookmark: db.prepare<[string, string], { n: number }>('SELECT 1 AS n FROM bookmarks WHERE user_id = ? AND post_id = ?'),
      unbookmark: db.prepare('DELETE FROM bookmarks WHERE user_id = ? AND post_id = ?'),
      bookmarks: db.prepare<[string, string], RawPost>(
        `SELECT ${COLS} FROM bookmarks b JOIN posts p ON p.id = b.post_id JOIN messages m ON m.id = p.id
         WHERE b.user_id = ? AND ${IN_ROOMS} AND p.deleted = 0 ORDER BY b.created_order DESC LIMIT 500`,
      ),
      follow: db.prepare('INSERT OR IGNORE INTO user_follows (follower_id, followee_id, created_at) VALUES (?, ?, ?)'),
      unfollow: db.prepare('DELETE FROM user_follows WHERE follower_id = ? AND followee_id = ?'),
      isFollowing: db.prepare<[string, string], { n: number }>('SELECT 1 AS n FROM user_follows WHERE follower_id = ? AND followee_id = ?'),
      followers: db.prepare<[string], { id: string }>('SELECT follower_id AS id FROM user_follows WHERE followee_id = ? ORDER BY created_at, follower_id'),
      following: db.prepare<[string], { id: string }>('SELECT followee_id AS id FROM user_follows WHERE follower_id = ? ORDER BY created_at, followee_id'),
      profile: db.prepare<[string], { bio: string; avatar_file_id: string | null; show_follows: number }>(
        'SELECT bio, avatar_file_id, show_follows FROM profiles WHERE user_id = ?',
      ),
      setProfile: db.prepare(
        `INSERT INTO profiles (user_id, bio, avatar_file_id, show_follows) VALUES (?, ?, ?, ?)
         ON CONFLICT (user_id) DO UPDATE SET bio = excluded.bio, avatar_file_id = excluded.avatar_file_id, show_follows = excluded.show_follows`,
      ),
    };
  }

  insertPost(p: NewPost): void {
    this.s.insert.run({ ...p, tags: JSON.stringify(p.tags) });
    for (const tag of p.tags) this.s.insertTag.run(tag, p.order, p.id, p.roomId, p.order);
  }
  post(id: string): (Post & { deleted: boolean }) | null {
    const r = this.s.post.get(id);
    return r ? { ...toPost(r), deleted: r.deleted !== 0 } : null;
  }
  setContent(id: string, title: string, tags: readonly string[]): void {
    const row = this.s.post.get(id);
    if (!row) return;
    this.s.setContent.run(title, JSON.stringify(tags), id);
    this.s.dropTags.run(id);
    for (const tag of tags) this.s.insertTag.run(tag, row.post_order, id, row.room_id, row.last_order);
  }
  setFlags(id: string, locked: boolean, pinned: boolean): void {
    this.s.setFlags.run(locked ? 1 : 0, pinned ? 1 : 0, id);
  }
  touch(id: string, lastOrder: number, lastAt: number): void {
    if (this.s.touch.run(lastOrder, lastAt, id).changes > 0) this.s.touchTags.run(lastOrder, id);
  }
  board(roomId: string, sort: PostSort, pinned: boolean, tag: string | null, page: PostPage): Post[] {
    const pin = pinned ? 1 : 0;
    const rows =
      tag === null
        ? this.s.board[sort].all(roomId, pin, page.before, page.limit)
        : this.s.board[sort === 'latest' ? 'latestTagged' : 'newestTagged'].all(tag, roomId, pin, page.before, page.limit);
    return rows.map(toPost);
  }
  tagged(tag: string, roomIds: readonly string[], page: PostPage): Post[] {
    if (roomIds.length === 0) return [];
    return this.s.tagged.all(tag, page.before, JSON.stringify(roomIds), page.limit).map(toPost);
  }
  byAuthors(authorIds: readonly string[], roomIds: readonly string[], page: PostPage): Post[] {
    if (authorIds.length === 0 || roomIds.length === 0) return [];
    return this.s.byAuthors.all(JSON.stringify(authorIds), JSON.stringify(roomIds), page.before, page.limit).map(toPost);
  }
  hasBookmark(userId: string, postId: string): boolean {
    return this.s.hasBookmark.get(userId, postId) !== undefined;
  }
  bookmark(userId: string, postId: string, order: number): boolean {
    return this.s.bookmark.run(userId, postId, order).changes > 0;
  }
  unbookmark(userId: string, postId: string): boolean {
    return this.s.unbookmark.run(userId, postId).changes > 0;
  }
  bookmarks(userId: string, roomIds: readonly string[]): Post[] {
    if (roomIds.length === 0) return [];
    return this.s.bookmarks.all(userId, JSON.stringify(roomIds)).map(toPost);
  }
  follow(followerId: string, followeeId: string, at: number): boolean {
    return this.s.follow.run(followerId, followeeId, at).changes > 0;
  }
  unfollow(followerId: string, followeeId: string): boolean {
    return this.s.unfollow.run(followerId, followeeId).changes > 0;
  }
  isFollowing(followerId: string, followeeId: string): boolean {
    return this.s.isFollowing.get(followerId, followeeId) !== undefined;
  }
  followers(userId: string): string[] {
    return this.s.followers.all(userId).map((r) => r.id);
  }
  following(userId: string): string[] {
    return this.s.following.all(userId).map((r) => r.id);
  }
  profile(userId: string): ProfileRow {
    const r = this.s.profile.get(userId);
    return r ? { bio: r.bio, avatarFileId: r.avatar_file_id, showFollows: r.show_follows !== 0 } : { bio: '', avatarFileId: null, showFollows: false };
  }
  setProfile(userId: string, p: ProfileRow): void {
    this.s.setProfile.run(userId, p.bio, p.avatarFileId, p.showFollows ? 1 : 0);
  }
}
