import type { Services } from '../../app.js';
import type { Dispatcher } from '../../session/dispatcher.js';

export function registerReadMarkerHandlers(d: Dispatcher, s: Services): void {
  d.register('read.mark', (ctx, p) => s.readMarkers.mark(ctx.userId, p), { write: true });
  d.register('read.unmark', (ctx, p) => s.readMarkers.unmark(ctx.userId, p), { write: true });
}
