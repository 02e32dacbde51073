import type { Services } from '../../app.js';
import type { Dispatcher } from '../../session/dispatcher.js';
import { RawJson, syncPageJson } from '../../wire/encode.js';

export function registerSyncHandlers(d: Dispatcher, s: Services): void {
  d.register('state', (ctx) => s.state.state(ctx.userId), { write: false });
  // Pages are serialised once, embedding each event's stored JSON verbatim.
  d.register('sync', async (ctx, p) => new RawJson(syncPageJson(await s.sync.page(ctx.userId, p.after, p.limit))), { write: false });
}
