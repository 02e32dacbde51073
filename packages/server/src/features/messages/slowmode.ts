import type { Storage, StoredEvent } from '../../ports/storage.js';
import { decode } from '../../wire/encode.js';

/**
 * Every room's slowmode in memory, so a message's send step reads no room row for it. Loaded from
 * storage when the services start (so it holds after a restart), then kept from the committed events:
 * every `room.updated` carries the room's current slowmode (set, changed, turned off, or unchanged by a
 * rename), a deleted room has none. Events are applied as they are published, and foreign ones (another
 * process's) before the batch that first sees them runs its steps. A send in the same batch as the change
 * (the same event-loop turn) still sees the slowmode from before it.
 */
export class SlowmodeCache {
  /** Rooms with slowmode on: seconds between two messages of one member. */
  private readonly seconds = new Map<string, number>();

  async load(store: Storage): Promise<void> {
    this.seconds.clear();
    for (const r of await store.rooms.slowmoded()) this.seconds.set(r.id, r.slowmodeSec);
  }

  /** 0: off (or no such room). */
  of(roomId: string): number {
    return this.seconds.get(roomId) ?? 0;
  }

  apply(events: readonly StoredEvent[]): void {
    for (const e of events) {
      if (e.type === 'room.updated') {
        const { room } = decode(e.dataJson);
        if (room.slowmodeSec) this.seconds.set(room.id, room.slowmodeSec);
        else this.seconds.delete(room.id);
      } else if (e.type === 'room.deleted' && e.roomId !== null) this.seconds.delete(e.roomId);
    }
  }
}
