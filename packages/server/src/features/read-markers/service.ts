import type { ParsedParams } from '@open-discord/protocol';
import { isCommunityRoom } from '@open-discord/protocol';
import type { WriteContext } from '../../core/commit-queue.js';
import type { ServiceDeps } from '../../core/deps.js';
import { roomNotFound } from '../rooms/errors.js';

/**
 * Read markers: how far each user has read each room (private events, visible to their owner only). In a
 * direct or group chat the members also see each other's markers ("seen by …"): each move there is
 * published to the chat's members as a `read.receipt` as well.
 */
export class ReadMarkersService {
  /** Inside the step that moved a room marker: features that count after it follow (threads: set in app.ts). */
  onRoomRead: (userId: string, roomId: string, order: number) => Promise<void> = async () => {};

  constructor(private readonly d: ServiceDeps) {}

  /** Markers only move forward and never past the log's head. A no-op writes no event. */
  mark(userId: string, p: ParsedParams<'read.mark'>): Promise<{ ok: true }> {
    return this.d.queue.submit(async (w) => {
      if (!(await this.d.access.view()).canSeeRoom(userId, p.roomId)) throw roomNotFound();
      const order = Math.min(p.order, await this.d.store.events.head());
      await this.markIn(w, userId, p.roomId, order);
      return { ok: true as const };
    });
  }

  /**
   * Mark a room unread again from `order` on: the marker moves back to just before it (never forward, so
   * unmarking what is unread already writes nothing). Only for a room one is in: its counts are kept.
   */
  unmark(userId: string, p: ParsedParams<'read.unmark'>): Promise<{ ok: true }> {
    return this.d.queue.submit(async (w) => {
      const view = await this.d.access.view();
      if (!view.canSeeRoom(userId, p.roomId)) throw roomNotFound();
      if (!view.isMember(userId, p.roomId)) return { ok: true as const };
      const order = p.order - 1;
      if (order >= await this.d.store.readMarkers.marker(userId, p.roomId)) return { ok: true as const };
      const { store } = this.d;
      await store.readMarkers.set(userId, p.roomId, order);
      // The exact counts from the new marker (the counters make this two rows), for clients that cannot count.
      const unread = { count: await store.messages.unreadCount(userId, p.roomId, order), mentions: (await store.messages.mentionCounts(userId)).get(p.roomId) ?? 0 };
      w.emit({ type: 'read.unmarked', roomId: p.roomId, actorId: userId, targetUserId: userId }, { roomId: p.roomId, order, unread });
      await this.receiptIn(w, userId, p.roomId, order);
      return { ok: true as const };
    });
  }

  /** Move the marker forward inside a running write, announced by `read.marked`; a no-op writes nothing. */
  async markIn(w: WriteContext, userId: string, roomId: string, order: number): Promise<void> {
    if (order <= await this.d.store.readMarkers.marker(userId, roomId)) return;
    await this.d.store.readMarkers.set(userId, roomId, order);
    await this.onRoomRead(userId, roomId, order);
    w.emit({ type: 'read.marked', roomId, actorId: userId, targetUserId: userId }, { roomId, order });
    await this.receiptIn(w, userId, roomId, order);
  }

  /** In a direct or group chat, tell its members (no one else: not a viewer event) where this member is. */
  private async receiptIn(w: WriteContext, userId: string, roomId: string, order: number): Promise<void> {
    const room = (await this.d.access.view()).room(roomId);
    if (room === null || isCommunityRoom(room.kind)) return;
    w.emit({ type: 'read.receipt', roomId, actorId: userId }, { roomId, userId, order });
  }
}
