import type { EventType } from '@open-discord/protocol';
import type { EventLog, EventPayload, NewEvent, StoredEvent, StoredEventOf, UnitOfWork } from '../../ports/storage.js';
import { encode, storedJson } from '../../wire/encode.js';
import type { EventData } from '../../wire/types.js';
import type { Db } from './db.js';

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
const toEvent = (r: RawEvent): StoredEvent =>
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

const EVENT_COLUMNS = 'event_order, id, type, room_id, actor_id, target_user_id, data, created_at';
type EventTuple = [number, string, string, string | null, string | null, string | null, string, number];

const tupleToEvent = (r: EventTuple): StoredEvent =>
  ({
    order: r[0],
    id: r[1],
    type: r[2],
    roomId: r[3],
    actorId: r[4],
    targetUserId: r[5],
    dataJson: storedJson(r[6]),
    createdAt: r[7],
  }) as StoredEvent;

/**
 * The append-only event log. Rows are never deleted; `data` is only ever rewritten to remove content
 * (message deletion, retention).
 */
export class SqliteEventLog implements EventLog, UnitOfWork {
  private readonly s;
  constructor(db: Db) {
    this.s = {
      head: db.prepare<[], { h: number }>('SELECT COALESCE(MAX(event_order), 0) AS h FROM events'),
      insert: db.prepare(
        `INSERT INTO events (event_order, id, type, room_id, actor_id, target_user_id, data, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      // Replay and sync read up to a thousand rows a page: rows as arrays (raw) cost about half as much to
      // build as objects with named properties, which showed in the replay rate.
      after: db
        .prepare<[number, number], EventTuple>(`SELECT ${EVENT_COLUMNS} FROM events WHERE event_order > ? ORDER BY event_order LIMIT ?`)
        .raw(true),
      get: db.prepare<[number], RawEvent>('SELECT * FROM events WHERE event_order = ?'),
      rewrite: db.prepare('UPDATE events SET data = ? WHERE event_order = ?'),
      edits: db.prepare<[string, number, string], { event_order: number }>(
        `SELECT event_order FROM events WHERE room_id = ? AND event_order > ? AND type = 'message.edited'
         AND json_extract(data, '$.message.id') = ?`,
      ),
      range: db
        .prepare<[number, number], EventTuple>(
          `SELECT ${EVENT_COLUMNS} FROM events WHERE event_order > ? AND event_order <= ? ORDER BY event_order`,
        )
        .raw(true),
    };
  }

  /** The newest order in the log (0 when empty). */
  head(): number {
    return this.s.head.get()!.h;
  }

  /**
   * Append one event inside the caller's transaction. The order is assigned here (MAX + 1: the log is
   * never deleted from, so this is gap-free and rolls back with the transaction). `data` may be a function
   * of the order, for payloads that embed it (a message carries the order that created it).
   */
  append<T extends EventType>(ev: NewEvent<T>, data: EventPayload<T>): StoredEventOf<T> {
    const order = this.head() + 1;
    const payload = typeof data === 'function' ? data(order) : data;
    const dataJson = encode(payload);
    this.s.insert.run(order, ev.id, ev.type, ev.roomId, ev.actorId, ev.targetUserId, dataJson, ev.createdAt);
    return { ...ev, order, dataJson };
  }

  /** Up to `limit` events with order > after, ascending. */
  after(after: number, limit: number): StoredEvent[] {
    return (this.s.after.all(after, limit) as unknown as EventTuple[]).map(tupleToEvent);
  }
  get(order: number): StoredEvent | null {
    const r = this.s.get.get(order);
    return r ? toEvent(r) : null;
  }
  /**
   * Replace an event's payload: the one exception to append-only, used to scrub a deleted message's text
   * from the events that carried it (the row, its order and its type stay, so the log stays gap-free).
   */
  rewrite<T extends EventType>(order: number, _type: T, data: EventData<T>): void {
    this.s.rewrite.run(encode(data), order);
  }
  /** Orders of the message.edited events of one message (scans the room's events after it). */
  editsOf(roomId: string, messageOrder: number, messageId: string): number[] {
    return this.s.edits.all(roomId, messageOrder, messageId).map((r) => r.event_order);
  }
  /** Events with from < order <= to, ascending. */
  range(from: number, to: number): StoredEvent[] {
    return (this.s.range.all(from, to) as unknown as EventTuple[]).map(tupleToEvent);
  }
}

