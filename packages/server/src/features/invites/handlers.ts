import type { Services } from '../../app.js';
import type { Dispatcher } from '../../session/dispatcher.js';

export function registerInviteHandlers(d: Dispatcher, s: Services): void {
  d.register('invite.create', (ctx, p) => s.invites.create(ctx.userId, p), { write: true });
  d.register('invite.list', (ctx) => s.invites.list(ctx.userId), { write: false });
  d.register('invite.revoke', (ctx, p) => s.invites.revoke(ctx.userId, p), { write: true });
}
