import type { Services } from '../../app.js';
import type { Dispatcher } from '../../session/dispatcher.js';

export function registerThreadHandlers(d: Dispatcher, s: Services): void {
  d.register('thread.history', (ctx, p) => s.threads.history(ctx.userId, p), { write: false });
  d.register('thread.follow', (ctx, p) => s.threads.follow(ctx.userId, p), { write: true });
  d.register('thread.unfollow', (ctx, p) => s.threads.unfollow(ctx.userId, p), { write: true });
  d.register('thread.read', (ctx, p) => s.threads.read(ctx.userId, p), { write: true });
}
