import { TEXT } from './types.js';

/**
 * The notification inbox: one row per item and user, paged newest first; each user's switched-off kinds. A
 * message removed for good takes its items (SQLite's trigger, in PL/pgSQL).
 */
export const INBOX_SCHEMA = `
  CREATE TABLE inbox_items (
    id ${TEXT} PRIMARY KEY,
    user_id ${TEXT} NOT NULL,
    kind ${TEXT} NOT NULL,
    room_id ${TEXT} NOT NULL,
    message_id ${TEXT} NOT NULL,
    thread_id ${TEXT},
    actor_id ${TEXT} NOT NULL,
    emoji ${TEXT},
    item_order BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    read INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX inbox_items_user ON inbox_items(user_id, item_order);
  CREATE INDEX inbox_items_message ON inbox_items(message_id);
  CREATE TABLE inbox_settings (
    user_id ${TEXT} PRIMARY KEY,
    off TEXT NOT NULL DEFAULT '[]'
  );

  CREATE FUNCTION inbox_message_removed() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    DELETE FROM inbox_items WHERE message_id = OLD.id;
    RETURN NULL;
  END $$;
  CREATE TRIGGER inbox_message_removed AFTER DELETE ON messages FOR EACH ROW EXECUTE FUNCTION inbox_message_removed();
`;
