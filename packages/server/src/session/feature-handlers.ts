import { CloseCode } from '@open-discord/protocol';
import type { Services } from '../services/index.js';
import type { StoredEvent } from '../store/store.js';
import type { Dispatcher } from './dispatcher.js';
import type { Hub } from './hub.js';

/**
 * Community requests: message edits and deletion, room placement and gating, categories, roles and
 * member removal. Each service checks the asking user's permissions itself (the command line calls the
 * same services as the operator), so these are thin.
 */
export function registerCommunityHandlers(d: Dispatcher, s: Services): void {
  const w = { write: true };
  d.register('message.edit', (ctx, p) => s.messageChanges.edit(ctx.userId, p), w);
  d.register('message.delete', (ctx, p) => s.messageChanges.delete(ctx.userId, p), w);
  d.register('room.move', (ctx, p) => s.categories.moveRoom(ctx.userId, p), w);
  d.register('room.restrict', (ctx, p) => s.roomAdmin.restrict(ctx.userId, p), w);
  d.register('room.open', (ctx, p) => s.roomAdmin.open(ctx.userId, p), w);
  d.register('room.delete', (ctx, p) => s.roomAdmin.delete(ctx.userId, p), w);
  d.register('category.create', (ctx, p) => s.categories.create(ctx.userId, p), w);
  d.register('category.update', (ctx, p) => s.categories.update(ctx.userId, p), w);
  d.register('category.delete', (ctx, p) => s.categories.delete(ctx.userId, p), w);
  d.register('role.create', (ctx, p) => s.roles.create(ctx.userId, p), w);
  d.register('role.update', (ctx, p) => s.roles.update(ctx.userId, p), w);
  d.register('role.delete', (ctx, p) => s.roles.delete(ctx.userId, p), w);
  d.register('role.grant', (ctx, p) => s.roles.grant(ctx.userId, p), w);
  d.register('role.revoke', (ctx, p) => s.roles.revoke(ctx.userId, p), w);
  d.register('member.kick', (ctx, p) => s.moderation.kick(ctx.userId, p), w);
  d.register('member.ban', (ctx, p) => s.moderation.ban(ctx.userId, p), w);
  d.register('member.unban', (ctx, p) => s.moderation.unban(ctx.userId, p), w);
}

/**
 * After publishing, end the connections of users who were just removed: kicked users with 4401 (their
 * tokens are revoked, so the client stops at the refresh), banned users with 4403 (do not reconnect).
 * Driven by the event rather than by the request, so removals written by the command line in another
 * process close sockets too. The removed user has already been sent the `user.removed` event itself.
 */
export function closeRemovedUsers(hub: Hub, events: readonly StoredEvent[]): void {
  for (const e of events) {
    if (e.type !== 'user.removed') continue;
    const { userId, reason } = JSON.parse(e.dataJson) as { userId: string; reason: string };
    if (reason === 'banned') hub.closeUser(userId, CloseCode.FORBIDDEN, 'banned from the server');
    else hub.closeUser(userId, CloseCode.UNAUTHORIZED, 'removed from the server');
  }
}
