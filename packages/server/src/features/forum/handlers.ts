import type { Services } from '../../app.js';
import type { Dispatcher } from '../../session/dispatcher.js';

export function registerForumHandlers(d: Dispatcher, s: Services): void {
  d.register('post.create', (ctx, p) => s.posts.create(ctx.userId, p), { write: true });
  d.register('post.edit', (ctx, p) => s.posts.edit(ctx.userId, p), { write: true });
  d.register('post.moderate', (ctx, p) => s.posts.moderate(ctx.userId, p), { write: true });
  d.register('post.list', (ctx, p) => s.posts.list(ctx.userId, p), { write: false });
  d.register('post.tagged', (ctx, p) => s.posts.tagged(ctx.userId, p), { write: false });
  d.register('post.get', (ctx, p) => s.posts.get(ctx.userId, p), { write: false });
  d.register('bookmark.add', (ctx, p) => s.people.bookmark(ctx.userId, p), { write: true });
  d.register('bookmark.remove', (ctx, p) => s.people.unbookmark(ctx.userId, p), { write: true });
  d.register('bookmark.list', (ctx) => s.people.bookmarks(ctx.userId), { write: false });
  d.register('user.follow', (ctx, p) => s.people.follow(ctx.userId, p), { write: true });
  d.register('user.unfollow', (ctx, p) => s.people.unfollow(ctx.userId, p), { write: true });
  d.register('feed.following', (ctx, p) => s.people.feed(ctx.userId, p), { write: false });
  d.register('profile.set', (ctx, p) => s.people.setProfile(ctx.userId, p), { write: true });
  d.register('profile.get', (ctx, p) => s.people.profile(ctx.userId, p), { write: false });
}
