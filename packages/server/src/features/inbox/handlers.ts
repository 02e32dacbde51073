import type { Services } from '../../app.js';
import type { Dispatcher } from '../../session/dispatcher.js';

export function registerInboxHandlers(d: Dispatcher, s: Services): void {
  d.register('inbox.list', (ctx, p) => s.inbox.list(ctx.userId, p), { write: false });
  d.register('inbox.read', (ctx, p) => s.inbox.read(ctx.userId, p), { write: true });
  d.register('inbox.settings', (ctx, p) => s.inbox.settings(ctx.userId, p), { write: true });
}
