import type { Services } from '../../app.js';
import type { Dispatcher } from '../../session/dispatcher.js';

export function registerRoomHandlers(d: Dispatcher, s: Services): void {
  const w = { write: true };
  d.register('room.create', (ctx, p) => s.rooms.create(ctx.userId, p), w);
  d.register('room.update', (ctx, p) => s.rooms.update(ctx.userId, p), w);
  d.register('room.restrict', (ctx, p) => s.roomAdmin.restrict(ctx.userId, p), w);
  d.register('room.open', (ctx, p) => s.roomAdmin.open(ctx.userId, p), w);
  d.register('room.delete', (ctx, p) => s.roomAdmin.delete(ctx.userId, p), w);
}
