import type { Services } from '../../app.js';
import type { Dispatcher } from '../../session/dispatcher.js';

export function registerAccountSecurityHandlers(d: Dispatcher, s: Services): void {
  const a = s.accountSecurity;
  d.register('twofa.status', (ctx) => a.status(ctx.userId), { write: false });
  d.register('twofa.setup', (ctx) => a.setup(ctx.userId), { write: true });
  d.register('twofa.enable', (ctx, p) => a.enable(ctx.userId, p), { write: true });
  d.register('twofa.disable', (ctx, p) => a.disable(ctx.userId, p), { write: true });
  d.register('twofa.require', (ctx, p) => a.require(ctx.userId, p.roleId, true), { write: true });
  d.register('twofa.unrequire', (ctx, p) => a.require(ctx.userId, p.roleId, false), { write: true });
  d.register('sessions.list', (ctx) => a.sessions(ctx.userId, ctx.family ?? null), { write: false });
  d.register('sessions.revoke', (ctx, p) => a.revoke(ctx.userId, p), { write: true });
  d.register('sessions.revokeOthers', (ctx) => a.revokeOthers(ctx.userId, ctx.family ?? null), { write: true });
  d.register('apppassword.create', (ctx, p) => a.appPasswords.create(ctx.userId, p.name), { write: true });
  d.register('apppassword.list', (ctx) => a.appPasswords.list(ctx.userId), { write: false });
  d.register('apppassword.revoke', (ctx, p) => a.appPasswords.revoke(ctx.userId, p.appPasswordId), { write: true });
  d.register('account.delete', (ctx, p) => a.deleteAccount(ctx.userId, p), { write: true });
  d.register('password.change', (ctx, p) => a.changePassword(ctx.userId, ctx.family ?? null, p), { write: true });
}
