import type { Post, PostSort } from '@open-discord/protocol';
import type { ForumRepository, NewPost, PostPage, ProfileRow } from '../../features/forum/repository.js';
import type { Sql } from './repo-sql.js';

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
  createdAt: Number(r.created_at),
  order: Number(r.post_order),
  lastOrder: Number(r.last_order),
  lastAt: Number(r.last_at),
  comments: Number(r.reply_count),
  locked: Number(r.locked) !== 0,
  pinned: Number(r.pinned) !== 0,
  ...(r.edited_at !== null && { editedAt: Number(r.edited_at) }),
});

/** A post with its root message's comment count and edit time. */
const COLS = `p.id, p.room_id, p.author_id, p.title, p.tags, p.post_order, p.created_at, p.last_order, p.last_at,
  p.locked, p.pinned, p.deleted, m.reply_count, m.edited_at`;
/** The order column each sort pages by (both indexed per board). */
const SORT_COL: Record<PostSort, string> = { latest: 'p.last_order', newest: 'p.post_order' };
/** The same orders as the tag index keeps them. */
const TAG_COL: Record<PostSort, string> = { latest: 't.last_order', newest: 't.post_order' };

/** PostgreSQL implementation of the forum feature's ForumRepository (posts, post_tags, bookmarks, user_follows, profiles). */
export class PgForumRepo implements ForumRepository {
  constructor(private readonly db: Sql) {}

  private async insertTags(id: string, tags: readonly string[], postOrder: number, roomId: string, lastOrder: number): Promise<void> {
    if (tags.length === 0) return;
    await this.db.run(
      `INSERT INTO post_tags (tag, post_order, post_id, room_id, last_order)
       SELECT t, $2, $3, $4, $5 FROM unnest($1::text[]) AS t ON CONFLICT DO NOTHING`,
      [[...tags], postOrder, id, roomId, lastOrder],
    );
  }

  async insertPost(p: NewPost): Promise<void> {
    await this.db.run(
      `INSERT INTO posts (id, room_id, author_id, title, tags, post_order, created_at, last_order, last_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $6, $7)`,
      [p.id, p.roomId, p.authorId, p.title, JSON.stringify(p.tags), p.order, p.createdAt],
    );
    await this.insertTags(p.id, p.tags, p.order, p.roomId, p.order);
  }
  private raw(id: string): Promise<RawPost | null> {
    return this.db.row<RawPost>(`SELECT ${COLS} FROM posts p JOIN messages m ON m.id = p.id WHERE p.id = $1`, [id]);
  }
  async post(id: string): Promise<(Post & { deleted: boolean }) | null> {
    const r = await this.raw(id);
    return r ? { ...toPost(r), deleted: Number(r.deleted) !== 0 } : null;
  }
  async setContent(id: string, title: string, tags: readonly string[]): Promise<void> {
    const row = await this.raw(id);
    if (!row) return;
    await this.db.run('UPDATE posts SET title = $1, tags = $2 WHERE id = $3', [title, JSON.stringify(tags), id]);
    await this.db.run('DELETE FROM post_tags WHERE post_id = $1', [id]);
    await this.insertTags(id, tags, Number(row.post_order), row.room_id, Number(row.last_order));
  }
  async setFlags(id: string, locked: boolean, pinned: boolean): Promise<void> {
    await this.db.run('UPDATE posts SET locked = $1, pinned = $2 WHERE id = $3', [locked ? 1 : 0, pinned ? 1 : 0, id]);
  }
  async touch(id: string, lastOrder: number, lastAt: number): Promise<void> {
    if ((await this.db.run('UPDATE posts SET last_order = GREATEST(last_order, $1), last_at = $2 WHERE id = $3', [lastOrder, lastAt, id])) > 0) {
      await this.db.run('UPDATE post_tags SET last_order = GREATEST(last_order, $1) WHERE post_id = $2', [lastOrder, id]);
    }
  }
  async board(roomId: string, sort: PostSort, pinned: boolean, tag: string | null, page: PostPage): Promise<Post[]> {
    const pin = pinned ? 1 : 0;
    const rows =
      tag === null
        ? await this.db.rows<RawPost>(
            `SELECT ${COLS} FROM posts p JOIN messages m ON m.id = p.id
             WHERE p.room_id = $1 AND p.deleted = 0 AND p.pinned = $2 AND ${SORT_COL[sort]} < $3
             ORDER BY ${SORT_COL[sort]} DESC LIMIT $4`,
            [roomId, pin, page.before, page.limit],
          )
        : // Walks the tag's index for this board in the sort's order, not the board's posts.
          await this.db.rows<RawPost>(
            `SELECT ${COLS} FROM post_tags t JOIN posts p ON p.id = t.post_id JOIN messages m ON m.id = p.id
             WHERE t.tag = $1 AND t.room_id = $2 AND p.deleted = 0 AND p.pinned = $3 AND ${TAG_COL[sort]} < $4
             ORDER BY ${TAG_COL[sort]} DESC LIMIT $5`,
            [tag, roomId, pin, page.before, page.limit],
          );
    return rows.map(toPost);
  }
  async tagged(tag: string, roomIds: readonly string[], page: PostPage): Promise<Post[]> {
    if (roomIds.length === 0) return [];
    const rows = await this.db.rows<RawPost>(
      `SELECT ${COLS} FROM post_tags t JOIN posts p ON p.id = t.post_id JOIN messages m ON m.id = p.id
       WHERE t.tag = $1 AND t.post_order < $2 AND t.room_id = ANY($3::text[]) AND p.deleted = 0
       ORDER BY t.post_order DESC LIMIT $4`,
      [tag, page.before, [...roomIds], page.limit],
    );
    return rows.map(toPost);
  }
  async byAuthors(authorIds: readonly string[], roomIds: readonly string[], page: PostPage): Promise<Post[]> {
    if (authorIds.length === 0 || roomIds.length === 0) return [];
    const rows = await this.db.rows<RawPost>(
      `SELECT ${COLS} FROM posts p JOIN messages m ON m.id = p.id
       WHERE p.author_id = ANY($1::text[]) AND p.room_id = ANY($2::text[]) AND p.deleted = 0 AND p.post_order < $3
       ORDER BY p.post_order DESC LIMIT $4`,
      [[...authorIds], [...roomIds], page.before, page.limit],
    );
    return rows.map(toPost);
  }
  async hasBookmark(userId: string, postId: string): Promise<boolean> {
    return (await this.db.row('SELECT 1 AS n FROM bookmarks WHERE user_id = $1 AND post_id = $2', [userId, postId])) !== null;
  }
  async bookmark(userId: string, postId: string, order: number): Promise<boolean> {
    return (await this.db.run('INSERT INTO bookmarks (user_id, post_id, created_order) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [userId, postId, order])) > 0;
  }
  async unbookmark(userId: string, postId: string): Promise<boolean> {
    return (await this.db.run('DELETE FROM bookmarks WHERE user_id = $1 AND post_id = $2', [userId, postId])) > 0;
  }
  async bookmarks(userId: string, roomIds: readonly string[]): Promise<Post[]> {
    if (roomIds.length === 0) return [];
    const rows = await this.db.rows<RawPost>(
      `SELECT ${COLS} FROM bookmarks b JOIN posts p ON p.id = b.post_id JOIN messages m ON m.id = p.id
       WHERE b.user_id = $1 AND p.room_id = ANY($2::text[]) AND p.deleted = 0 ORDER BY b.created_order DESC LIMIT 500`,
      [userId, [...roomIds]],
    );
    return rows.map(toPost);
  }
  async follow(followerId: string, followeeId: string, at: number): Promise<boolean> {
    return (
      (await this.db.run('INSERT INTO user_follows (follower_id, followee_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [followerId, followeeId, at])) > 0
    );
  }
  async unfollow(followerId: string, followeeId: string): Promise<boolean> {
    return (await this.db.run('DELETE FROM user_follows WHERE follower_id = $1 AND followee_id = $2', [followerId, followeeId])) > 0;
  }
  async isFollowing(followerId: string, followeeId: string): Promise<boolean> {
    return (await this.db.row('SELECT 1 AS n FROM user_follows WHERE follower_id = $1 AND followee_id = $2', [followerId, followeeId])) !== null;
  }
  async followers(userId: string): Promise<string[]> {
    return (await this.db.rows<{ id: string }>('SELECT follower_id AS id FROM user_follows WHERE followee_id = $1 ORDER BY created_at, follower_id', [userId])).map(
      (r) => r.id,
    );
  }
  async following(userId: string): Promise<string[]> {
    return (await this.db.rows<{ id: string }>('SELECT followee_id AS id FROM user_follows WHERE follower_id = $1 ORDER BY created_at, followee_id', [userId])).map(
      (r) => r.id,
    );
  }
  async profile(userId: string): Promise<ProfileRow> {
    const r = await this.db.row<{ bio: string; avatar_file_id: string | null; show_follows: number }>(
      'SELECT bio, avatar_file_id, show_follows FROM profiles WHERE user_id = $1',
      [userId],
    );
    return r ? { bio: r.bio, avatarFileId: r.avatar_file_id, showFollows: Number(r.show_follows) !== 0 } : { bio: '', avatarFileId: null, showFollows: false };
  }
  async setProfile(userId: string, p: ProfileRow): Promise<void> {
    await this.db.run(
      `INSERT INTO profiles (user_id, bio, avatar_file_id, show_follows) VALUES ($1, $2, $3, $4)
       ON CONFLICT (user_id) DO UPDATE SET bio = excluded.bio, avatar_file_id = excluded.avatar_file_id, show_follows = excluded.show_follows`,
      [userId, p.bio, p.avatarFileId, p.showFollows ? 1 : 0],
    );
  }
}
