import type { ParsedParams } from '@open-discord/protocol';
import type { WriteContext } from '../../core/commit-queue.js';
import type { ServiceDeps } from '../../core/deps.js';
import { roomNotFound } from '../rooms/errors.js';

/** Read markers: how far each user has read each room (private events, visible to their owner only). */
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

  /** Move the marker forward inside a running write, announced by `read.marked`; a no-op writes nothing. */
  async markIn(w: WriteContext, userId: string, roomId: string, order: number): Promise<void> {
    if (order <= await this.d.store.readMarkers.marker(userId, roomId)) return;
    await this.d.store.readMarkers.set(userId, roomId, order);
    await this.onRoomRead(userId, roomId, order);
    w.emit({ type: 'read.marked', roomId, actorId: userId, targetUserId: userId }, { roomId, order });
  }
}
