import type { Services } from '../../app.js';
import type { Dispatcher } from '../../session/dispatcher.js';

export function registerRoomSettingsHandlers(d: Dispatcher, s: Services): void {
  d.register('room.settings', (ctx, p) => s.roomSettings.set(ctx.userId, p), { write: true });
  d.register('notify.defaults', (ctx, p) => s.roomSettings.setDefaults(ctx.userId, p), { write: true });
}
