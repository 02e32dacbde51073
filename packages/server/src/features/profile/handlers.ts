import type { Services } from '../../app.js';
import type { Dispatcher } from '../../session/dispatcher.js';

export function registerProfileHandlers(d: Dispatcher, s: Services): void {
  d.register('nick.set', (ctx, p) => s.profile.setNickname(ctx.userId, p), { write: true });
  d.register('highlight.set', (ctx, p) => s.profile.setHighlights(ctx.userId, p), { write: true });
  d.register('status.set', (ctx, p) => s.profile.setStatus(ctx.userId, p), { write: true });
  d.register('color.set', (ctx, p) => s.profile.setColor(ctx.userId, p), { write: true });
}
