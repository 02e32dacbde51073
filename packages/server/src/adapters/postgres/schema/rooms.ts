import { TEXT } from './types.js';

/**
 * Rooms, their members, and the admins of group chats (the rooms repository reads them for a room's wire
 * shape; the conversations repository writes them).
 */
export const ROOMS_SCHEMA = `
  CREATE TABLE categories (
    id ${TEXT} PRIMARY KEY,
    name ${TEXT} NOT NULL,
    position INTEGER NOT NULL
  );

  CREATE TABLE rooms (
    id ${TEXT} PRIMARY KEY,
    name ${TEXT} NOT NULL,
    topic ${TEXT} NOT NULL DEFAULT '',
    kind ${TEXT} NOT NULL DEFAULT 'text',
    category_id ${TEXT},
    position INTEGER NOT NULL DEFAULT 0,
    restricted_to TEXT,
    created_by ${TEXT},
    created_at BIGINT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    auto_join INTEGER NOT NULL DEFAULT 0,
    slowmode_sec INTEGER NOT NULL DEFAULT 0,
    retention_sec BIGINT,
    expired_through BIGINT NOT NULL DEFAULT 0
  );

  CREATE TABLE room_members (
    room_id ${TEXT} NOT NULL REFERENCES rooms(id),
    user_id ${TEXT} NOT NULL REFERENCES users(id),
    PRIMARY KEY (room_id, user_id)
  );
  CREATE INDEX room_members_user ON room_members(user_id);

  CREATE TABLE group_admins (
    room_id ${TEXT} NOT NULL REFERENCES rooms(id),
    user_id ${TEXT} NOT NULL REFERENCES users(id),
    PRIMARY KEY (room_id, user_id)
  );
`;
