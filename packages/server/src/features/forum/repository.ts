import type { Post, PostSort } from '@open-discord/protocol';
import type { Awaitable } from '../../ports/awaitable.js';

/** A new post's own row (its body is the root message's). */
export interface NewPost {
  id: string;
  roomId: string;
  authorId: string;
  title: string;
  tags: string[];
  order: number;
  createdAt: number;
}

/** One page of posts: newest first by the sort's order, strictly before `before`. */
export interface PostPage {
  before: number;
  limit: number;
}

export interface ProfileRow {
  bio: string;
  avatarFileId: string | null;
  showFollows: boolean;
}

/**
 * Forum storage: posts (title, hashtags, lock, pin, activity order) joined with their root message's
 * comment count, the hashtag index, bookmarks, follows of people and profiles. Every list takes the rooms
 * the reader may see and returns posts of those rooms only.
 */
export interface ForumRepository {
  insertPost(p: NewPost): Awaitable<void>;
  /** A live or deleted post (deleted: its root message was deleted). */
  post(id: string): Awaitable<(Post & { deleted: boolean }) | null>;
  setContent(id: string, title: string, tags: readonly string[]): Awaitable<void>;
  setFlags(id: string, locked: boolean, pinned: boolean): Awaitable<void>;
  /** A comment arrived: the post's latest activity. */
  touch(id: string, lastOrder: number, lastAt: number): Awaitable<void>;
  /** A board's live posts, pinned or not, by the sort; with `tag`, only those carrying it. */
  board(roomId: string, sort: PostSort, pinned: boolean, tag: string | null, page: PostPage): Awaitable<Post[]>;
  /** Live posts carrying `tag` in the given rooms, newest first. */
  tagged(tag: string, roomIds: readonly string[], page: PostPage): Awaitable<Post[]>;
  /** Live posts by these authors in the given rooms, newest first. */
  byAuthors(authorIds: readonly string[], roomIds: readonly string[], page: PostPage): Awaitable<Post[]>;
  hasBookmark(userId: string, postId: string): Awaitable<boolean>;
  bookmark(userId: string, postId: string, order: number): Awaitable<boolean>;
  unbookmark(userId: string, postId: string): Awaitable<boolean>;
  /** The user's bookmarked live posts in the given rooms, newest bookmark first. */
  bookmarks(userId: string, roomIds: readonly string[]): Awaitable<Post[]>;
  follow(followerId: string, followeeId: string, at: number): Awaitable<boolean>;
  unfollow(followerId: string, followeeId: string): Awaitable<boolean>;
  isFollowing(followerId: string, followeeId: string): Awaitable<boolean>;
  followers(userId: string): Awaitable<string[]>;
  following(userId: string): Awaitable<string[]>;
  profile(userId: string): Awaitable<ProfileRow>;
  setProfile(userId: string, p: ProfileRow): Awaitable<void>;
}
