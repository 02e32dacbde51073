import type { Services } from '../../app.js';
import type { Dispatcher } from '../../session/dispatcher.js';

export function registerRetentionHandlers(d: Dispatcher, s: Services): void {
  d.register('room.retention', (ctx, p) => s.retention.setPolicy(ctx.userId, p), { write: true });
}
