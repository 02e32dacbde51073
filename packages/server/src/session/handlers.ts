import type { Services } from '../services/index.js';
import { eventJson } from '../store/store.js';
import type { SyncPage } from '../services/sync.js';
import { RawJson } from './conn.js';
import type { Dispatcher } from './dispatcher.js';

/** Serialise a sync page once, embedding each event's stored JSON verbatim. */
export function syncPageJson(p: SyncPage): string {
  return (
    `{"events":[${p.events.map(eventJson).join(',')}],"through":${p.through},` +
    `"more":${p.more},"snapshotRequired":${p.snapshotRequired}}`
  );
}

/**
 * The core requests. Feature modules (roles, categories, moderation, …) register theirs the same way;
 * every type in REQUESTS without a handler answers "not available on this server yet".
 */
export function registerCoreHandlers(d: Dispatcher, s: Services): void {
  d.register('state', (ctx) => s.state.state(ctx.userId), { write: false });
  d.register('sync', (ctx, p) => new RawJson(syncPageJson(s.sync.page(ctx.userId, p.after, p.limit))), { write: false });
  d.register('history', (ctx, p) => s.messages.history(ctx.userId, p), { write: false });
  d.register('message.send', async (ctx, p) => new RawJson(await s.messages.sendJson(ctx.userId, p)), { write: true });
  d.register('read.mark', (ctx, p) => s.profile.markRead(ctx.userId, p), { write: true });
  d.register('room.create', (ctx, p) => s.rooms.create(ctx.userId, p), { write: true });
  d.register('room.update', (ctx, p) => s.rooms.update(ctx.userId, p), { write: true });
  d.register('nick.set', (ctx, p) => s.profile.setNickname(ctx.userId, p), { write: true });
  d.register('color.set', (ctx, p) => s.profile.setColor(ctx.userId, p), { write: true });
}
