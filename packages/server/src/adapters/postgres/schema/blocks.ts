import { TEXT } from './types.js';

/** Blocked users: a private list per user. */
export const BLOCKS_SCHEMA = `
  CREATE TABLE user_blocks (
    user_id ${TEXT} NOT NULL REFERENCES users(id),
    blocked_id ${TEXT} NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, blocked_id)
  );
  CREATE INDEX user_blocks_blocked ON user_blocks(blocked_id);
`;
