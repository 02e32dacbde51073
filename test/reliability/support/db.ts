import Database from 'better-sqlite3';

/*
 * Read the server's database directly, read-only, to check what it holds against what clients were told.
 * This is the tests' ground truth: the server's own answers are what is being checked.
 */

export interface StoredEvent {
  order: number;
  id: string;
  type: string;
  roomId: string | null;
  payload: Record<string, unknown>;
}

export interface StoredMessage {
  order: number;
  messageId: string;
  roomId: string;
  authorId: string;
  nonce: string | undefined;
  text: string;
}

export interface DbSnapshot {
  integrity: string;
  events: StoredEvent[];
  messages: StoredMessage[];
}

export function readDb(file: string): DbSnapshot {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
    const rows = db
      .prepare('SELECT event_order AS o, id, type, room_id AS roomId, data AS payload FROM events ORDER BY event_order')
      .all() as { o: number; id: string; type: string; roomId: string | null; payload: string }[];
    const events = rows.map((r) => ({
      order: r.o,
      id: r.id,
      type: r.type,
      roomId: r.roomId,
      payload: (r.payload ? JSON.parse(r.payload) : {}) as Record<string, unknown>,
    }));
    return { integrity, events, messages: messagesOf(events) };
  } finally {
    db.close();
  }
}

/** message.created events as messages (the event payload carries the message as sent to clients). */
export function messagesOf(events: StoredEvent[]): StoredMessage[] {
  const out: StoredMessage[] = [];
  for (const e of events) {
    if (e.type !== 'message.created') continue;
    const m = (e.payload.message ?? e.payload) as Record<string, unknown>;
    out.push({
      order: e.order,
      messageId: String(m.id),
      roomId: String(m.roomId ?? e.roomId),
      authorId: String(m.authorId),
      nonce: m.nonce === undefined ? undefined : String(m.nonce),
      text: String(m.text),
    });
  }
  return out;
}

/** Problems with the event log's ordering: it must be 1, 2, 3, … with no gaps and no repeats. */
export function orderProblems(events: StoredEvent[]): string[] {
  const problems: string[] = [];
  for (let i = 0; i < events.length; i++) {
    const want = i + 1;
    if (events[i]!.order !== want) {
      problems.push(`event #${i} has order ${events[i]!.order}, expected ${want}`);
      if (problems.length > 5) break;
    }
  }
  return problems;
}
