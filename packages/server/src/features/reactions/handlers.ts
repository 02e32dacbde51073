import type { Services } from '../../app.js';
import type { Dispatcher } from '../../session/dispatcher.js';

export function registerReactionHandlers(d: Dispatcher, s: Services): void {
  d.register('reaction.add', (ctx, p) => s.reactions.add(ctx.userId, p), { write: true });
  d.register('reaction.remove', (ctx, p) => s.reactions.remove(ctx.userId, p), { write: true });
}
