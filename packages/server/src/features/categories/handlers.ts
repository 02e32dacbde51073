import type { Services } from '../../app.js';
import type { Dispatcher } from '../../session/dispatcher.js';

export function registerCategoryHandlers(d: Dispatcher, s: Services): void {
  const w = { write: true };
  d.register('category.create', (ctx, p) => s.categories.create(ctx.userId, p), w);
  d.register('category.update', (ctx, p) => s.categories.update(ctx.userId, p), w);
  d.register('category.delete', (ctx, p) => s.categories.delete(ctx.userId, p), w);
  d.register('room.move', (ctx, p) => s.categories.moveRoom(ctx.userId, p), w);
}
