import type Database from 'better-sqlite3';

/**
 * Exact room unread counts, kept by counters instead of counted from history.
 *
 * Every message the room shows (not a thread-only reply) gets the room's next sequence number (`room_seq`,
 * from `rooms.msg_seq`, which only grows). For each (user, room) `room_reads` keeps the sequence at the
 * user's read marker and how many of the messages after it are the user's own live ones (`own_after`) or
 * are gone (`gone_after`: deleted, or removed by retention or an account deletion). So
 *
 *   unread = msg_seq − marker_seq − own_after − gone_after
 *
 * is the number of live messages by others after the marker, read from two rows whatever the backlog. A
 * send touches the room row and the author's row; a delete or removal touches only the rows whose marker
 * is before the message (an index range: readers who are up to date cost nothing); a marker move recounts
 * the messages after the new marker (usually none). Triggers keep all of it, so every writer — a send,
 * a delete, the retention sweep, an account deletion, the operator's command line — keeps the counts
 * exact without knowing about them.
 */

/** A message the room shows (the messages repository's IN_ROOM), for a row named `m` or the trigger's. */
const inRoom = (m: string) => `(${m}.thread_id IS NULL OR ${m}.also_in_room = 1)`;

/**
 * The `room_reads` row of user U in room R with read marker M (SQL expressions), as a SELECT: the sequence
 * of the last message the room shows at or before M, and the live messages after M split by author;
 * whatever else lies between the marker and the head (deleted or removed messages) is `gone_after`.
 */
export function roomReadRow(u: string, r: string, m: string): string {
  const after = `FROM messages x WHERE x.room_id = ${r} AND x.event_order > ${m} AND x.deleted = 0 AND ${inRoom('x')}`;
  return `
    SELECT ${u}, ${r}, s.ms, s.own, rm.msg_seq - s.ms - s.own - s.other
    FROM (SELECT
            COALESCE((SELECT x.room_seq FROM messages x WHERE x.room_id = ${r} AND x.event_order <= ${m} AND ${inRoom('x')}
                      ORDER BY x.event_order DESC LIMIT 1), 0) AS ms,
            (SELECT COUNT(*) ${after} AND x.author_id = ${u}) AS own,
            (SELECT COUNT(*) ${after} AND x.author_id != ${u}) AS other) s
    JOIN rooms rm ON rm.id = ${r}`;
}

/** A message the room showed stops counting for everyone whose marker is before it. */
const GONE = (old: string) => `
  UPDATE room_reads SET gone_after = gone_after + 1, own_after = own_after - (user_id = ${old}.author_id)
  WHERE room_id = ${old}.room_id AND marker_seq < ${old}.room_seq;`;

/**
 * A marker moved: its row is counted again. Delete and insert rather than INSERT OR REPLACE: a trigger's
 * conflict clause gives way to the triggering statement's, and the markers are written by an upsert.
 */
const RECOUNT = `
  DELETE FROM room_reads WHERE user_id = new.user_id AND room_id = new.room_id;
  INSERT INTO room_reads (user_id, room_id, marker_seq, own_after, gone_after)
    ${roomReadRow('new.user_id', 'new.room_id', 'new.event_order')};`;

export const UNREAD_COUNTERS_SQL = `
  ALTER TABLE rooms ADD COLUMN msg_seq INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE messages ADD COLUMN room_seq INTEGER;
  CREATE TABLE room_reads (
    user_id TEXT NOT NULL,
    room_id TEXT NOT NULL,
    marker_seq INTEGER NOT NULL,
    own_after INTEGER NOT NULL,
    gone_after INTEGER NOT NULL,
    PRIMARY KEY (user_id, room_id)
  );
  -- A delete updates only the readers whose marker is before the message: a range of this index.
  CREATE INDEX room_reads_room ON room_reads(room_id, marker_seq);

  CREATE TRIGGER room_reads_message_added AFTER INSERT ON messages WHEN ${inRoom('new')} BEGIN
    UPDATE rooms SET msg_seq = msg_seq + 1 WHERE id = new.room_id;
    UPDATE messages SET room_seq = (SELECT msg_seq FROM rooms WHERE id = new.room_id) WHERE rowid = new.rowid;
    UPDATE room_reads SET own_after = own_after + 1 WHERE user_id = new.author_id AND room_id = new.room_id AND new.deleted = 0;
    UPDATE room_reads SET gone_after = gone_after + 1 WHERE room_id = new.room_id AND new.deleted = 1;
  END;
  CREATE TRIGGER room_reads_message_deleted AFTER UPDATE OF deleted ON messages
    WHEN old.deleted = 0 AND new.deleted = 1 AND old.room_seq IS NOT NULL BEGIN ${GONE('old')}
  END;
  CREATE TRIGGER room_reads_message_removed AFTER DELETE ON messages
    WHEN old.deleted = 0 AND old.room_seq IS NOT NULL BEGIN ${GONE('old')}
  END;
  CREATE TRIGGER room_reads_marker_set AFTER INSERT ON read_markers BEGIN
    ${RECOUNT}
  END;
  CREATE TRIGGER room_reads_marker_moved AFTER UPDATE OF event_order ON read_markers BEGIN
    ${RECOUNT}
  END;
  -- A member who never had a marker counts from the start; a rejoining one keeps the row kept meanwhile.
  CREATE TRIGGER room_reads_member_added AFTER INSERT ON room_members BEGIN
    INSERT INTO room_reads (user_id, room_id, marker_seq, own_after, gone_after)
      ${roomReadRow('new.user_id', 'new.room_id', `COALESCE((SELECT event_order FROM read_markers WHERE user_id = new.user_id AND room_id = new.room_id), 0)`)}
      WHERE NOT EXISTS (SELECT 1 FROM room_reads WHERE user_id = new.user_id AND room_id = new.room_id);
  END;
`;

/**
 * The migration step: number the messages each room shows in log order, then one row per member and per
 * marker (a former member's marker keeps counting, for a rejoin).
 */
export function migrateUnreadCounters(db: Database.Database): void {
  db.exec(UNREAD_COUNTERS_SQL);
  db.exec(`
    UPDATE messages SET room_seq = s.n FROM (
      SELECT id, ROW_NUMBER() OVER (PARTITION BY room_id ORDER BY event_order) AS n FROM messages m WHERE ${inRoom('m')}
    ) s WHERE messages.id = s.id;
    UPDATE rooms SET msg_seq = COALESCE((SELECT MAX(room_seq) FROM messages WHERE room_id = rooms.id), 0);
  `);
  const pairs = db
    .prepare<[], { user_id: string; room_id: string; marker: number }>(
      `SELECT user_id, room_id, event_order AS marker FROM read_markers
       UNION SELECT m.user_id, m.room_id, 0 FROM room_members m
         WHERE NOT EXISTS (SELECT 1 FROM read_markers r WHERE r.user_id = m.user_id AND r.room_id = m.room_id)`,
    )
    .all();
  const insert = db.prepare(`INSERT OR REPLACE INTO room_reads (user_id, room_id, marker_seq, own_after, gone_after) ${roomReadRow('@u', '@r', '@m')}`);
  for (const p of pairs) insert.run({ u: p.user_id, r: p.room_id, m: p.marker });
}

/** Undo of the step (the tests' rollBackTo). */
export const UNDO_UNREAD_COUNTERS = `
  DROP TRIGGER room_reads_message_added; DROP TRIGGER room_reads_message_deleted; DROP TRIGGER room_reads_message_removed;
  DROP TRIGGER room_reads_marker_set; DROP TRIGGER room_reads_marker_moved; DROP TRIGGER room_reads_member_added;
  DROP TABLE room_reads;
  ALTER TABLE messages DROP COLUMN room_seq;
  ALTER TABLE rooms DROP COLUMN msg_seq;
`;

/**
 * The counters' side of a bulk removal (the retention sweep): the removal trigger updates every reader behind
 * a message once per message, which for a sweep of a million messages in rooms whose members never read them
 * is a million times the lagging readers (twenty million row updates in the benchmark's store). Instead a
 * step's messages lose their sequence before they go, so the trigger passes them by, and once the sweep is
 * through a room its readers are counted again from their markers, once each: a reader already past the
 * removed messages has nothing after the marker to count. Until then a lagging reader's count still includes
 * what the sweep removed (it only ever says too many, for the length of a sweep).
 */
export class BulkRemovalCounts {
  private readonly s;
  constructor(db: Database.Database) {
    this.s = {
      unseq: db.prepare('UPDATE messages SET room_seq = NULL WHERE id IN (SELECT value FROM json_each(?)) AND deleted = 0 AND room_seq IS NOT NULL'),
      readers: db.prepare<[string], { user_id: string; marker: number }>(
        `SELECT rr.user_id, COALESCE(rm.event_order, 0) AS marker FROM room_reads rr
         LEFT JOIN read_markers rm ON rm.user_id = rr.user_id AND rm.room_id = rr.room_id WHERE rr.room_id = ?`,
      ),
      drop: db.prepare('DELETE FROM room_reads WHERE user_id = ? AND room_id = ?'),
      count: db.prepare(`INSERT INTO room_reads (user_id, room_id, marker_seq, own_after, gone_after) ${roomReadRow('@u', '@r', '@m')}`),
    };
  }

  /** Inside the unit that removes these messages (a JSON list of ids), before it removes them. */
  beforeRemoval(idList: string): void {
    this.s.unseq.run(idList);
  }

  /** After a sweep through the room: every reader's row counted again from their marker. */
  recount(roomId: string): void {
    for (const r of this.s.readers.all(roomId)) {
      this.s.drop.run(r.user_id, roomId);
      this.s.count.run({ u: r.user_id, r: roomId, m: r.marker });
    }
  }
}
