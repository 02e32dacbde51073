import type { Services } from '../../app.js';
import type { Dispatcher } from '../../session/dispatcher.js';
import { RawJson } from '../../wire/encode.js';

export function registerMessageHandlers(d: Dispatcher, s: Services): void {
  d.register('history', (ctx, p) => s.messages.history(ctx.userId, p), { write: false });
  // The reply is the stored event's payload text, embedded as is (see MessagesService.sendJson).
  d.register('message.send', async (ctx, p) => new RawJson(await s.messages.sendJson(ctx.userId, p)), { write: true });
  d.register('message.edit', (ctx, p) => s.messageChanges.edit(ctx.userId, p), { write: true });
  d.register('message.delete', (ctx, p) => s.messageChanges.delete(ctx.userId, p), { write: true });
}
