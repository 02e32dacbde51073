import type { Services } from '../../app.js';
import type { Dispatcher } from '../../session/dispatcher.js';

export function registerRoleHandlers(d: Dispatcher, s: Services): void {
  const w = { write: true };
  d.register('role.create', (ctx, p) => s.roles.create(ctx.userId, p), w);
  d.register('role.update', (ctx, p) => s.roles.update(ctx.userId, p), w);
  d.register('role.delete', (ctx, p) => s.roles.delete(ctx.userId, p), w);
  d.register('role.grant', (ctx, p) => s.roles.grant(ctx.userId, p), w);
  d.register('role.revoke', (ctx, p) => s.roles.revoke(ctx.userId, p), w);
}
