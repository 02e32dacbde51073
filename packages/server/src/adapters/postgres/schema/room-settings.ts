import { TEXT } from './types.js';

/** Each user's own room settings and notification defaults (private rows). */
export const ROOM_SETTINGS_SCHEMA = `
  CREATE TABLE room_settings (
    user_id ${TEXT} NOT NULL REFERENCES users(id),
    room_id ${TEXT} NOT NULL REFERENCES rooms(id),
    muted INTEGER NOT NULL DEFAULT 0,
    level ${TEXT},
    local_name ${TEXT},
    PRIMARY KEY (user_id, room_id)
  );
  CREATE TABLE notify_defaults (
    user_id ${TEXT} PRIMARY KEY REFERENCES users(id),
    rooms ${TEXT} NOT NULL,
    chats ${TEXT} NOT NULL
  );
`;
