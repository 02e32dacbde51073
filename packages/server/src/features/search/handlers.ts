import type { Services } from '../../app.js';
import type { Dispatcher } from '../../session/dispatcher.js';

export function registerSearchHandlers(d: Dispatcher, s: Services): void {
  d.register('search', (ctx, p) => s.search.messages(ctx.userId, p), { write: false });
  d.register('search.users', (_ctx, p) => s.search.users(p), { write: false });
  d.register('search.rooms', (ctx, p) => s.search.rooms(ctx.userId, p), { write: false });
  d.register('history.around', (ctx, p) => s.search.around(ctx.userId, p), { write: false });
}
