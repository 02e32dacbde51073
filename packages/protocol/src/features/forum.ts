import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { Attachment, Id, Order, PublicUser, Timestamp } from '../model.js';
import { textProblem } from '../text.js';
import { ev } from './envelope.js';
import { Ok, req } from './request.js';
import { name, rule } from './text-fields.js';

// Forum boards (rooms of kind `forum`): posts with a title and hashtags, whose comments are the replies of
// the post's thread; bookmarks; following people; profiles (bio, avatar, who one follows).

/**
 * A post: the root message of a thread in a forum room, with a title and the hashtags the server parsed from
 * its title and body. Its body is the root message's text (`message.created`, `thread.history`).
 */
export const Post = z.object({
  /** The root message's id (its thread's id). */
  id: Id,
  roomId: Id,
  authorId: Id,
  title: z.string(),
  /** Hashtags without `#`, lower-cased (NFKC), in the order first written. */
  tags: z.array(z.string()),
  createdAt: Timestamp,
  /** The root message's order (the board's `newest` sort). */
  order: Order,
  /** The order of its newest comment, or `order` when none (the board's `latest` sort). */
  lastOrder: Order,
  lastAt: Timestamp,
  /** Live comments (the thread's reply count). */
  comments: z.number().int().nonnegative(),
  /** A locked post takes no new comments. */
  locked: z.boolean(),
  /** Pinned posts are listed first on their board. */
  pinned: z.boolean(),
  editedAt: Timestamp.optional(),
});
export type Post = z.infer<typeof Post>;

export const PostSort = z.enum(['latest', 'newest']);
export type PostSort = z.infer<typeof PostSort>;

/** A user's profile card: the public user, their bio and avatar, and their recent posts in boards the viewer sees. */
export const Profile = z.object({
  user: PublicUser,
  bio: z.string(),
  /** An image the user uploaded (`GET /api/files/<id>`); absent: clients draw initials. */
  avatar: Attachment.optional(),
  /** Whether the user shows whom they follow and who follows them to everyone. */
  showFollows: z.boolean(),
  /** Counts and lists: present for the user themself, and for everyone when `showFollows`. */
  followers: z.array(Id).optional(),
  following: z.array(Id).optional(),
  /** Whether the viewer follows this user. */
  followedByMe: z.boolean(),
  recentPosts: z.array(Post),
});
export type Profile = z.infer<typeof Profile>;

export const FORUM_LIMITS = {
  titleMax: 200,
  tagsMax: 10,
  /** Letters of one hashtag (code points). */
  tagMax: 50,
  bioMax: 500,
  pageMax: 100,
  recentPosts: 5,
} as const;

export const events = [
  /** To the board's members, right after the root's `message.created`. */
  ev('post.created', z.object({ post: Post })),
  /** Title, tags, lock or pin changed (comments and activity follow from the replies' `message.created`). */
  ev('post.updated', z.object({ post: Post })),
  /** Private to the user. */
  ev('bookmark.added', z.object({ roomId: Id, postId: Id })),
  ev('bookmark.removed', z.object({ roomId: Id, postId: Id })),
  /** Private: one event to the follower and one to the followed (each told of the relation they are in). */
  ev('user.followed', z.object({ followerId: Id, followeeId: Id })),
  ev('user.unfollowed', z.object({ followerId: Id, followeeId: Id })),
  /** Server-wide: a profile's bio, avatar or follow visibility changed. */
  ev('profile.updated', z.object({ userId: Id, bio: z.string(), avatar: Attachment.optional(), showFollows: z.boolean() })),
] as const;

const title = name(FORUM_LIMITS.titleMax);
const body = z.string().max(LIMITS.maxMessageLength).superRefine(rule(textProblem));
const bio = z.string().trim().max(FORUM_LIMITS.bioMax).superRefine(rule(textProblem));
/** A hashtag as asked for: with or without its `#`. */
const tagQuery = z.string().trim().min(1).max(FORUM_LIMITS.tagMax + 1);
const page = {
  /** Continue after the last post of the previous page (its `lastOrder` for `latest`, its `order` for `newest`). */
  before: Order.optional(),
  limit: z.number().int().min(1).max(FORUM_LIMITS.pageMax).optional(),
};
const postPage = z.object({ posts: z.array(Post), end: z.boolean() });

export const requests = {
  /** Write a post on a board you are in: its body becomes the thread root's text; hashtags come from title and body. */
  'post.create': req({ roomId: Id, title, text: body, nonce: z.string().min(1).max(LIMITS.nonceMax) }, z.object({ post: Post })),
  /** The author changes the title or body (tags are parsed again). */
  'post.edit': req({ postId: Id, title: title.optional(), text: body.optional() }, z.object({ post: Post })),
  /** Moderators (moderate_messages) lock or pin a post. */
  'post.moderate': req({ postId: Id, locked: z.boolean().optional(), pinned: z.boolean().optional() }, z.object({ post: Post })),
  /**
   * A board's posts, a page at a time: pinned posts first (on the first page, in `pinned`), then the rest by
   * latest activity or newest; `tag` keeps only posts with that hashtag.
   */
  'post.list': req(
    { roomId: Id, sort: PostSort.optional(), tag: tagQuery.optional(), ...page },
    z.object({ pinned: z.array(Post), posts: z.array(Post), end: z.boolean() }),
  ),
  /** Posts with a hashtag in every board you can see, newest first. */
  'post.tagged': req({ tag: tagQuery, ...page }, postPage),
  'post.get': req({ postId: Id }, z.object({ post: Post })),
  'bookmark.add': req({ postId: Id }, Ok),
  'bookmark.remove': req({ postId: Id }, Ok),
  /** Your bookmarks (newest bookmarked first), posts you can still see only. */
  'bookmark.list': req({}, z.object({ posts: z.array(Post) })),
  'user.follow': req({ userId: Id }, Ok),
  'user.unfollow': req({ userId: Id }, Ok),
  /** New posts by people you follow, in boards you can see, newest first. */
  'feed.following': req({ ...page }, postPage),
  /** Your bio, avatar (an image you uploaded; null removes it) and whether your follows are public. */
  'profile.set': req(
    { bio: bio.optional(), avatarFileId: Id.nullable().optional(), showFollows: z.boolean().optional() },
    z.object({ profile: Profile }),
  ),
  'profile.get': req({ userId: Id }, z.object({ profile: Profile })),
} as const;

/**
 * Hashtags in a text: `#` and then letters, digits, marks or `_` of any script, not preceded by a word
 * character (so `a#b` and `C#` are no tags). Lower-cased after NFKC, distinct, first written first.
 */
export function parseHashtags(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?<![\p{L}\p{N}\p{M}_&])#([\p{L}\p{N}\p{M}_]+)/gu)) {
    const tag = normalizeTag(m[1]!);
    if (tag === null || out.includes(tag)) continue;
    out.push(tag);
    if (out.length >= FORUM_LIMITS.tagsMax) break;
  }
  return out;
}

/** A tag as stored and searched: without `#`, NFKC, lower case; null when it has no letter or is too long. */
export function normalizeTag(raw: string): string | null {
  const tag = raw.replace(/^#/, '').normalize('NFKC').toLowerCase();
  if (!/^[\p{L}\p{N}\p{M}_]+$/u.test(tag) || !/[\p{L}]/u.test(tag)) return null;
  if ([...tag].length > FORUM_LIMITS.tagMax) return null;
  return tag;
}
