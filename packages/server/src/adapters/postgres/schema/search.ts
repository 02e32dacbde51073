/**
 * Message search. SQLite keeps two FTS5 indexes; here one table holds both projections per message, keyed by
 * its event order (which never changes): `words`, the message's tokens as SQLite's unicode61 tokenizer makes
 * them (search-tokens.ts), under a GIN index; `tri`, the case-folded text of messages written without spaces
 * (Chinese, Japanese), under a pg_trgm GIN index that serves LIKE '%…%' (the trigram index's substring
 * match). `room_id` lets the allowed rooms filter candidates before the match is checked.
 *
 * The same pending design as SQLite: a new message is not tokenised in the commit that writes it. A trigger
 * puts its order into `search_pending`; the pending messages are indexed in batches off the send path, and
 * always before a search runs (the tokenizer is JavaScript: the repository reads their text and writes the
 * entries). An edit takes the old entry out and makes the message pending again; a delete takes it out.
 */
export const SEARCH_SCHEMA = `
  CREATE EXTENSION IF NOT EXISTS pg_trgm;
  CREATE TABLE message_search (
    event_order BIGINT PRIMARY KEY,
    room_id TEXT COLLATE "C" NOT NULL,
    words tsvector NOT NULL,
    tri TEXT
  );
  CREATE INDEX message_search_words ON message_search USING gin (words);
  CREATE INDEX message_search_tri ON message_search USING gin (tri gin_trgm_ops) WHERE tri IS NOT NULL;
  CREATE TABLE search_pending (event_order BIGINT PRIMARY KEY);

  CREATE FUNCTION messages_search_insert() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO search_pending (event_order) VALUES (NEW.event_order) ON CONFLICT DO NOTHING;
    RETURN NULL;
  END $$;
  CREATE TRIGGER messages_search_insert AFTER INSERT ON messages
    FOR EACH ROW WHEN (NEW.deleted = 0 AND NEW.text <> '') EXECUTE FUNCTION messages_search_insert();

  CREATE FUNCTION messages_search_update() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    DELETE FROM message_search WHERE event_order = OLD.event_order;
    DELETE FROM search_pending WHERE event_order = OLD.event_order;
    IF NEW.deleted = 0 AND NEW.text <> '' THEN
      INSERT INTO search_pending (event_order) VALUES (NEW.event_order) ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
  END $$;
  CREATE TRIGGER messages_search_update AFTER UPDATE OF text, deleted ON messages
    FOR EACH ROW EXECUTE FUNCTION messages_search_update();

  CREATE FUNCTION messages_search_delete() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    DELETE FROM message_search WHERE event_order = OLD.event_order;
    DELETE FROM search_pending WHERE event_order = OLD.event_order;
    RETURN NULL;
  END $$;
  CREATE TRIGGER messages_search_delete AFTER DELETE ON messages FOR EACH ROW EXECUTE FUNCTION messages_search_delete();
`;
