import type { Services } from '../../app.js';
import type { Dispatcher } from '../../session/dispatcher.js';

export function registerConversationHandlers(d: Dispatcher, s: Services): void {
  d.register('dm.open', (ctx, p) => s.conversations.openDm(ctx.userId, p), { write: true });
  d.register('group.create', (ctx, p) => s.conversations.createGroup(ctx.userId, p), { write: true });
  d.register('group.add', (ctx, p) => s.conversations.add(ctx.userId, p), { write: true });
  d.register('group.remove', (ctx, p) => s.conversations.remove(ctx.userId, p), { write: true });
  d.register('group.update', (ctx, p) => s.conversations.update(ctx.userId, p), { write: true });
  d.register('group.transfer', (ctx, p) => s.conversations.transfer(ctx.userId, p), { write: true });
  d.register('group.admin', (ctx, p) => s.conversations.setAdmin(ctx.userId, p), { write: true });
}
