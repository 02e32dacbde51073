import type { ParsedParams, Post, Profile } from '@open-discord/protocol';
import { FORUM_LIMITS, ProtocolError } from '@open-discord/protocol';
import type { ServiceDeps } from '../../core/deps.js';
import { publicUser } from '../accounts/users.js';
import { fileToAttachment } from '../files/wire.js';
import { type PostsService, visibleBoards } from './posts.js';
import type { ProfileRow } from './repository.js';

const userNotFound = () => new ProtocolError('NOT_FOUND', 'user not found');
const PAGE = 30;

/**
 * Bookmarks (private), following people (private to the two unless the followed user shows it), the
 * following feed and profiles. Every post listed comes from a board the reader can see now.
 */
export class PeopleService {
  constructor(
    private readonly d: ServiceDeps,
    private readonly posts: PostsService,
  ) {}

  bookmark(userId: string, p: ParsedParams<'bookmark.add'>): Promise<{ ok: true }> {
    const { store, access, queue } = this.d;
    return queue.submit(async (w) => {
      const post = await this.posts.visiblePost(await access.view(), userId, p.postId);
      if (await store.forum.hasBookmark(userId, post.id)) return { ok: true as const };
      let at = 0;
      w.emit({ type: 'bookmark.added', roomId: post.roomId, actorId: userId, targetUserId: userId }, (order: number) => {
        at = order;
        return { roomId: post.roomId, postId: post.id };
      });
      await store.forum.bookmark(userId, post.id, at);
      return { ok: true as const };
    });
  }

  unbookmark(userId: string, p: ParsedParams<'bookmark.remove'>): Promise<{ ok: true }> {
    const { store, access, queue } = this.d;
    return queue.submit(async (w) => {
      // Only a post the user still sees: a hidden board's post id answers as not found, like everywhere.
      const post = await this.posts.visiblePost(await access.view(), userId, p.postId);
      if (await store.forum.unbookmark(userId, post.id)) {
        w.emit({ type: 'bookmark.removed', roomId: post.roomId, actorId: userId, targetUserId: userId }, { roomId: post.roomId, postId: post.id });
      }
      return { ok: true as const };
    });
  }

  async bookmarks(userId: string): Promise<{ posts: Post[] }> {
    const boards = visibleBoards(await this.d.access.view(), userId);
    return { posts: await this.d.store.forum.bookmarks(userId, boards) };
  }

  /** A user one may follow: an active account other than oneself. */
  private async target(userId: string, otherId: string): Promise<void> {
    const u = await this.d.store.users.byId(otherId);
    if (!u || u.removed) throw userNotFound();
    if (otherId === userId) throw new ProtocolError('BAD_REQUEST', 'you cannot follow yourself');
  }

  /** Follow a person: both are told, privately (nobody else learns of it unless the followed shows their follows). */
  follow(userId: string, p: ParsedParams<'user.follow'>): Promise<{ ok: true }> {
    const { store, queue } = this.d;
    return queue.submit(async (w) => {
      await this.target(userId, p.userId);
      if (await store.forum.follow(userId, p.userId, w.now)) {
        const data = { followerId: userId, followeeId: p.userId };
        w.emit({ type: 'user.followed', roomId: null, actorId: userId, targetUserId: userId }, data);
        w.emit({ type: 'user.followed', roomId: null, actorId: userId, targetUserId: p.userId }, data);
      }
      return { ok: true as const };
    });
  }

  unfollow(userId: string, p: ParsedParams<'user.unfollow'>): Promise<{ ok: true }> {
    const { store, queue } = this.d;
    return queue.submit(async (w) => {
      if (await store.forum.unfollow(userId, p.userId)) {
        const data = { followerId: userId, followeeId: p.userId };
        w.emit({ type: 'user.unfollowed', roomId: null, actorId: userId, targetUserId: userId }, data);
        w.emit({ type: 'user.unfollowed', roomId: null, actorId: userId, targetUserId: p.userId }, data);
      }
      return { ok: true as const };
    });
  }

  /** New posts by the people the user follows, in boards the user can see, newest first. */
  async feed(userId: string, p: ParsedParams<'feed.following'>): Promise<{ posts: Post[]; end: boolean }> {
    const boards = visibleBoards(await this.d.access.view(), userId);
    const following = await this.d.store.forum.following(userId);
    const limit = p.limit ?? PAGE;
    const rows = await this.d.store.forum.byAuthors(following, boards, { before: p.before ?? Number.MAX_SAFE_INTEGER, limit: limit + 1 });
    return { posts: rows.slice(0, limit), end: rows.length <= limit };
  }

  /** Bio, avatar (an image the user uploaded) and whether their follows are public; others learn by `profile.updated`. */
  setProfile(userId: string, p: ParsedParams<'profile.set'>): Promise<{ profile: Profile }> {
    const { store, queue } = this.d;
    return queue.submit(async (w) => {
      const before = await store.forum.profile(userId);
      const next: ProfileRow = {
        bio: p.bio ?? before.bio,
        avatarFileId: p.avatarFileId === undefined ? before.avatarFileId : p.avatarFileId,
        showFollows: p.showFollows ?? before.showFollows,
      };
      if (next.avatarFileId !== null && next.avatarFileId !== before.avatarFileId) {
        const file = await store.files.get(next.avatarFileId);
        // Another user's file and an unknown id get the same answer, so ids cannot be probed.
        if (!file || file.uploaderId !== userId) throw new ProtocolError('BAD_REQUEST', `unknown file ${next.avatarFileId}`);
        if (!file.mime.startsWith('image/')) throw new ProtocolError('BAD_REQUEST', 'an avatar must be an image');
      }
      if (next.bio !== before.bio || next.avatarFileId !== before.avatarFileId || next.showFollows !== before.showFollows) {
        await store.forum.setProfile(userId, next);
        const avatar = await this.avatar(next.avatarFileId);
        w.emit({ type: 'profile.updated', roomId: null, actorId: userId }, { userId, bio: next.bio, showFollows: next.showFollows, ...(avatar && { avatar }) });
      }
      return { profile: await this.card(userId, userId) };
    });
  }

  async profile(viewerId: string, p: ParsedParams<'profile.get'>): Promise<{ profile: Profile }> {
    return { profile: await this.card(viewerId, p.userId) };
  }

  private async avatar(fileId: string | null) {
    if (fileId === null) return undefined;
    const file = await this.d.store.files.get(fileId);
    return file ? fileToAttachment(file) : undefined;
  }

  /** A profile card as `viewerId` may see it: follows only to the user themself unless shown; posts from boards the viewer sees. */
  private async card(viewerId: string, userId: string): Promise<Profile> {
    const { store, access } = this.d;
    const u = await store.users.byId(userId);
    if (!u) throw userNotFound();
    const row = await store.forum.profile(userId);
    const avatar = await this.avatar(row.avatarFileId);
    const boards = visibleBoards(await access.view(), viewerId);
    const recentPosts = await store.forum.byAuthors([userId], boards, { before: Number.MAX_SAFE_INTEGER, limit: FORUM_LIMITS.recentPosts });
    const open = viewerId === userId || row.showFollows;
    return {
      user: await publicUser(store, u),
      bio: row.bio,
      ...(avatar && { avatar }),
      showFollows: row.showFollows,
      ...(open && { followers: await store.forum.followers(userId), following: await store.forum.following(userId) }),
      followedByMe: viewerId !== userId && (await store.forum.isFollowing(viewerId, userId)),
      recentPosts,
    };
  }
}
