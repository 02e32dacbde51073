import type { Services } from '../../app.js';
import type { Dispatcher } from '../../session/dispatcher.js';

export function registerMembershipHandlers(d: Dispatcher, s: Services): void {
  d.register('room.join', (ctx, p) => s.membership.join(ctx.userId, p.roomId), { write: true });
  d.register('room.part', (ctx, p) => s.membership.part(ctx.userId, p.roomId), { write: true });
  d.register('room.members', (ctx, p) => s.membership.members(ctx.userId, p.roomId), { write: false });
}
