import { TEXT } from './types.js';

/**
 * Exact room unread counts, kept by counters: SQLite's unread-counters.ts translated trigger for trigger into
 * PL/pgSQL, so both engines answer the same counts by the same arithmetic
 *
 *   unread = rooms.msg_seq − marker_seq − own_after − gone_after
 *
 * (two rows whatever the backlog) and every writer — a send, a delete, the retention sweep, an account
 * deletion — keeps them exact without knowing about them. Counting with a query instead would cost the
 * backlog on every snapshot (SQLite capped it at 1000 for that reason); the triggers cost one room row and
 * the author's row per send, and a delete touches only the readers whose marker is before the message.
 *
 * Differences from SQLite: a message's sequence is set by a BEFORE INSERT trigger on the new row (SQLite
 * updates the row after its insert; PostgreSQL would leave a dead row version behind), and the marker
 * recount is one function (`room_reads_count`) shared by the triggers, the migration's backfill and the
 * retention sweep's recount.
 */

/** A message the room shows (the messages repository's IN_ROOM), for a row named `m`. */
const inRoom = (m: string) => `(${m}.thread_id IS NULL OR ${m}.also_in_room = 1)`;

export const UNREAD_COUNTERS_SCHEMA = `
  ALTER TABLE rooms ADD COLUMN msg_seq BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE messages ADD COLUMN room_seq BIGINT;
  CREATE TABLE room_reads (
    user_id ${TEXT} NOT NULL,
    room_id ${TEXT} NOT NULL,
    marker_seq BIGINT NOT NULL,
    own_after BIGINT NOT NULL,
    gone_after BIGINT NOT NULL,
    PRIMARY KEY (user_id, room_id)
  );
  -- A delete updates only the readers whose marker is before the message: a range of this index.
  CREATE INDEX room_reads_room ON room_reads(room_id, marker_seq);

  -- The (user, room) row counted again from marker m: the sequence of the last message the room shows at or
  -- before m, the live messages after m split by author; whatever else lies between is gone_after.
  CREATE FUNCTION room_reads_count(u TEXT, r TEXT, m BIGINT) RETURNS void LANGUAGE plpgsql AS $$
  BEGIN
    DELETE FROM room_reads WHERE user_id = u AND room_id = r;
    INSERT INTO room_reads (user_id, room_id, marker_seq, own_after, gone_after)
      SELECT u, r, s.ms, s.own, rm.msg_seq - s.ms - s.own - s.other
      FROM (SELECT
              COALESCE((SELECT x.room_seq FROM messages x WHERE x.room_id = r AND x.event_order <= m AND ${inRoom('x')}
                        ORDER BY x.event_order DESC LIMIT 1), 0) AS ms,
              (SELECT COUNT(*) FROM messages x WHERE x.room_id = r AND x.event_order > m AND x.deleted = 0 AND ${inRoom('x')}
                 AND x.author_id = u) AS own,
              (SELECT COUNT(*) FROM messages x WHERE x.room_id = r AND x.event_order > m AND x.deleted = 0 AND ${inRoom('x')}
                 AND x.author_id <> u) AS other) s
      JOIN rooms rm ON rm.id = r;
  END $$;

  -- Backfill before the triggers exist: number the messages each room shows in log order, then one row per
  -- marker and per member without one (a former member's marker keeps counting, for a rejoin).
  UPDATE messages SET room_seq = s.n FROM (
    SELECT id, ROW_NUMBER() OVER (PARTITION BY room_id ORDER BY event_order) AS n FROM messages m WHERE ${inRoom('m')}
  ) s WHERE messages.id = s.id;
  UPDATE rooms SET msg_seq = COALESCE((SELECT MAX(room_seq) FROM messages WHERE room_id = rooms.id), 0);
  SELECT room_reads_count(p.user_id, p.room_id, p.marker) FROM (
    SELECT user_id, room_id, event_order AS marker FROM read_markers
    UNION SELECT m.user_id, m.room_id, 0 FROM room_members m
      WHERE NOT EXISTS (SELECT 1 FROM read_markers r WHERE r.user_id = m.user_id AND r.room_id = m.room_id)
  ) p;

  CREATE FUNCTION room_reads_message_added() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE seq BIGINT;
  BEGIN
    UPDATE rooms SET msg_seq = msg_seq + 1 WHERE id = NEW.room_id RETURNING msg_seq INTO seq;
    NEW.room_seq := seq;
    IF NEW.deleted = 0 THEN
      UPDATE room_reads SET own_after = own_after + 1 WHERE user_id = NEW.author_id AND room_id = NEW.room_id;
    ELSE
      UPDATE room_reads SET gone_after = gone_after + 1 WHERE room_id = NEW.room_id;
    END IF;
    RETURN NEW;
  END $$;
  -- Messages are inserted without ON CONFLICT: a failed insert takes this trigger's writes with it.
  CREATE TRIGGER room_reads_message_added BEFORE INSERT ON messages
    FOR EACH ROW WHEN ${inRoom('NEW')} EXECUTE FUNCTION room_reads_message_added();

  -- A message the room showed stops counting for everyone whose marker is before it.
  CREATE FUNCTION room_reads_message_gone() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    UPDATE room_reads SET gone_after = gone_after + 1, own_after = own_after - (user_id = OLD.author_id)::int
    WHERE room_id = OLD.room_id AND marker_seq < OLD.room_seq;
    RETURN NULL;
  END $$;
  CREATE TRIGGER room_reads_message_deleted AFTER UPDATE OF deleted ON messages
    FOR EACH ROW WHEN (OLD.deleted = 0 AND NEW.deleted = 1 AND OLD.room_seq IS NOT NULL) EXECUTE FUNCTION room_reads_message_gone();
  CREATE TRIGGER room_reads_message_removed AFTER DELETE ON messages
    FOR EACH ROW WHEN (OLD.deleted = 0 AND OLD.room_seq IS NOT NULL) EXECUTE FUNCTION room_reads_message_gone();

  -- A marker set or moved (the markers are written by an upsert: either trigger fires): its row counted again.
  CREATE FUNCTION room_reads_marker_set() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    PERFORM room_reads_count(NEW.user_id, NEW.room_id, NEW.event_order);
    RETURN NULL;
  END $$;
  CREATE TRIGGER room_reads_marker_set AFTER INSERT ON read_markers FOR EACH ROW EXECUTE FUNCTION room_reads_marker_set();
  CREATE TRIGGER room_reads_marker_moved AFTER UPDATE OF event_order ON read_markers FOR EACH ROW EXECUTE FUNCTION room_reads_marker_set();

  -- A member who never had a marker counts from the start; a rejoining one keeps the row kept meanwhile.
  CREATE FUNCTION room_reads_member_added() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF NOT EXISTS (SELECT 1 FROM room_reads WHERE user_id = NEW.user_id AND room_id = NEW.room_id) THEN
      PERFORM room_reads_count(NEW.user_id, NEW.room_id,
        COALESCE((SELECT event_order FROM read_markers WHERE user_id = NEW.user_id AND room_id = NEW.room_id), 0));
    END IF;
    RETURN NULL;
  END $$;
  CREATE TRIGGER room_reads_member_added AFTER INSERT ON room_members FOR EACH ROW EXECUTE FUNCTION room_reads_member_added();
`;
