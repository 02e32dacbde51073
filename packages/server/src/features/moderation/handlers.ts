import { CloseCode } from '@open-discord/protocol';
import type { Services } from '../../app.js';
import type { StoredEvent } from '../../ports/storage.js';
import type { Dispatcher } from '../../session/dispatcher.js';
import type { Hub } from '../../session/hub.js';
import { decode } from '../../wire/encode.js';

export function registerModerationHandlers(d: Dispatcher, s: Services): void {
  const w = { write: true };
  d.register('member.kick', (ctx, p) => s.moderation.kick(ctx.userId, p), w);
  d.register('member.ban', (ctx, p) => s.moderation.ban(ctx.userId, p), w);
  d.register('member.bans', (ctx) => s.moderation.bans(ctx.userId), { write: false });
  d.register('member.unban', (ctx, p) => s.moderation.unban(ctx.userId, p), w);
  d.register('room.slowmode', (ctx, p) => s.moderation.slowmode(ctx.userId, p), w);
}

/**
 * After publishing, end the connections of users who were just removed: kicked users with 4401 (their
 * tokens are revoked, so the client stops at the refresh), banned users with 4403 (do not reconnect).
 * Driven by the event rather than by the request, so removals written by the command line in another
 * process close sockets too. The removed user has already been sent the `user.removed` event itself.
 */
export function closeRemovedUsers(events: readonly StoredEvent[], hub: Hub): void {
  for (const e of events) {
    if (e.type !== 'user.removed') continue;
    const { userId, reason } = decode(e.dataJson);
    if (reason === 'banned') hub.closeUser(userId, CloseCode.FORBIDDEN, 'banned from the server');
    // A deleted account: its own request is answered first (in this turn, after publishing), then it closes.
    else if (reason === 'deleted') setImmediate(() => hub.closeUser(userId, CloseCode.REMOVED, 'account deleted'));
    // A kick is not an expired token: the client must stop and say so instead of refreshing.
    else hub.closeUser(userId, CloseCode.REMOVED, 'removed from the server');
  }
}
