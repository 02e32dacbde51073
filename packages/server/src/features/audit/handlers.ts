import type { Services } from '../../app.js';
import type { Dispatcher } from '../../session/dispatcher.js';

export function registerAuditHandlers(d: Dispatcher, s: Services): void {
  d.register('audit.list', (ctx, p) => s.audit.list(ctx.userId, p), { write: false });
}
