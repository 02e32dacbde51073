import type { EventType } from '@open-discord/protocol';
import type { EventLog, StoredEvent } from '../../ports/storage.js';
import { encode, storedJson } from '../../wire/encode.js';
import type { EventData } from '../../wire/types.js';
import type { PgDb } from './db.js';

interface RawEvent {
  event_order: number;
  id: string;
  type: string;
  room_id: string | null;
  actor_id: string | null;
  target_user_id: string | null;
  data: string;
  created_at: number;
}

// The log holds only what `append` wrote (an encoded payload of its type), so rows are typed as such.
export const toEvent = (r: RawEvent): StoredEvent =>
  ({
    order: r.event_order,
    id: r.id,
    type: r.type,
    roomId: r.room_id,
    actorId: r.actor_id,
    targetUserId: r.target_user_id,
    createdAt: r.created_at,
    dataJson: storedJson(r.data),
  }) as StoredEvent;

const COLUMNS = 'event_order, id, type, room_id, actor_id, target_user_id, data, created_at';

/**
 * The append-only event log, read side. Appending belongs to the unit of work (storage.ts): it assigns
 * orders from the community_head row it holds locked. `head()` reads that counter: the newest committed order.
 */
export class PgEventLog implements EventLog {
  constructor(private readonly db: PgDb) {}

  async head(): Promise<number> {
    // Inside a batch, as in SQLite's MAX(event_order): what the batch appended so far counts.
    const unit = this.db.unit;
    if (unit && unit.head >= 0) return unit.head;
    return (await this.db.row<{ h: number }>('SELECT last_order AS h FROM community_head WHERE id = 1'))?.h ?? 0;
  }
  async after(after: number, limit: number): Promise<StoredEvent[]> {
    return (await this.db.rows<RawEvent>(`SELECT ${COLUMNS} FROM events WHERE event_order > $1 ORDER BY event_order LIMIT $2`, [after, limit])).map(
      toEvent,
    );
  }
  async get(order: number): Promise<StoredEvent | null> {
    const r = await this.db.row<RawEvent>(`SELECT ${COLUMNS} FROM events WHERE event_order = $1`, [order]);
    return r ? toEvent(r) : null;
  }
  async range(from: number, to: number): Promise<StoredEvent[]> {
    return (
      await this.db.rows<RawEvent>(`SELECT ${COLUMNS} FROM events WHERE event_order > $1 AND event_order <= $2 ORDER BY event_order`, [from, to])
    ).map(toEvent);
  }
  /** Replace an event's payload (scrubbing a deleted message's text): the row, order and type stay. */
  async rewrite<T extends EventType>(order: number, _type: T, data: EventData<T>): Promise<void> {
    await this.db.run('UPDATE events SET data = $1 WHERE event_order = $2', [encode(data), order]);
  }
  /** Orders of the message.edited events of one message (scans the room's events after it). */
  async editsOf(roomId: string, messageOrder: number, messageId: string): Promise<number[]> {
    const rows = await this.db.rows<{ event_order: number }>(
      `SELECT event_order FROM events WHERE room_id = $1 AND event_order > $2 AND type = 'message.edited'
       AND (data::jsonb #>> '{message,id}') = $3 ORDER BY event_order`,
      [roomId, messageOrder, messageId],
    );
    return rows.map((r) => r.event_order);
  }
}
