import { TEXT } from './types.js';

/**
 * The append-only event log, and the community's head: ONE counter row, read FOR UPDATE and advanced in the
 * same transaction as the events it numbers. Never a sequence: a rolled-back nextval leaves a hole and
 * sequence values can commit out of order, so a reader would skip events. `data` is the payload's JSON
 * text, spliced verbatim into frames: TEXT, not jsonb (which would reorder and respace it).
 */
export const EVENTS_SCHEMA = `
  CREATE TABLE meta (key ${TEXT} PRIMARY KEY, value TEXT NOT NULL);

  CREATE TABLE community_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_order BIGINT NOT NULL
  );
  INSERT INTO community_head (id, last_order) VALUES (1, 0);

  CREATE TABLE events (
    event_order BIGINT PRIMARY KEY,
    id ${TEXT} NOT NULL,
    type ${TEXT} NOT NULL,
    room_id ${TEXT},
    actor_id ${TEXT},
    target_user_id ${TEXT},
    data TEXT NOT NULL,
    created_at BIGINT NOT NULL
  );
`;
