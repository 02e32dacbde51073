import { TEXT } from './types.js';

/**
 * Messages (with their thread summary columns), the mentions index the unread counts read, and read markers.
 * The room index covers the unread count (author, deleted, thread columns) as in SQLite.
 */
export const MESSAGES_SCHEMA = `
  CREATE TABLE messages (
    id ${TEXT} PRIMARY KEY,
    room_id ${TEXT} NOT NULL REFERENCES rooms(id),
    author_id ${TEXT} NOT NULL REFERENCES users(id),
    text TEXT NOT NULL,
    nonce ${TEXT},
    action INTEGER NOT NULL DEFAULT 0,
    mentions TEXT,
    event_order BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    edited_at BIGINT,
    deleted INTEGER NOT NULL DEFAULT 0,
    attachments TEXT,
    thread_id ${TEXT},
    also_in_room INTEGER NOT NULL DEFAULT 0,
    reply_count INTEGER NOT NULL DEFAULT 0,
    last_reply_at BIGINT NOT NULL DEFAULT 0,
    last_reply_order BIGINT NOT NULL DEFAULT 0,
    last_reply_authors TEXT,
    UNIQUE (author_id, nonce)
  );
  CREATE INDEX messages_room_order ON messages(room_id, event_order, author_id, deleted, thread_id, also_in_room);
  -- An author's newest message in a room (slowmode): SQLite walks its rowid, PostgreSQL this index backwards.
  CREATE INDEX messages_author ON messages(author_id, event_order);
  CREATE INDEX messages_thread_order ON messages(thread_id, event_order) WHERE thread_id IS NOT NULL;
  CREATE INDEX messages_order ON messages(event_order, room_id, deleted);

  CREATE TABLE message_mentions (
    message_id ${TEXT} NOT NULL REFERENCES messages(id),
    user_id ${TEXT} NOT NULL,
    room_id ${TEXT} NOT NULL,
    event_order BIGINT NOT NULL,
    thread_only INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, room_id, event_order)
  );
  CREATE INDEX message_mentions_message ON message_mentions(message_id);

  CREATE TABLE read_markers (
    user_id ${TEXT} NOT NULL,
    room_id ${TEXT} NOT NULL,
    event_order BIGINT NOT NULL,
    PRIMARY KEY (user_id, room_id)
  );
  CREATE INDEX read_markers_room ON read_markers(room_id);
`;
