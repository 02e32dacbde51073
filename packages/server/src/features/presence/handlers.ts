import type { Services } from '../../app.js';
import type { StoredEvent } from '../../ports/storage.js';
import type { Dispatcher } from '../../session/dispatcher.js';
import type { Hub } from '../../session/hub.js';
import { decode } from '../../wire/encode.js';

export function registerPresenceHandlers(d: Dispatcher, s: Services): void {
  d.register('presence.set', (ctx, p) => s.presence.setMode(ctx.userId, p), { write: true });
}

/** A mode chosen on any device (or node) changes what everyone is shown once it is published. */
export function applyPresenceModes(events: readonly StoredEvent[], hub: Hub): void {
  for (const e of events) {
    if (e.type !== 'presence.mode' || e.targetUserId === null) continue;
    hub.presence.setMode(e.targetUserId, decode(e.dataJson).mode);
  }
}
