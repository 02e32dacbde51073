import type { Services } from '../../app.js';
import type { Dispatcher } from '../../session/dispatcher.js';

export function registerBlocksHandlers(d: Dispatcher, s: Services): void {
  d.register('user.block', (ctx, p) => s.blocks.set(ctx.userId, p), { write: true });
  d.register('user.blocks', (ctx) => s.blocks.list(ctx.userId), { write: false });
}
