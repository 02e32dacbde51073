import { TEXT } from './types.js';

/**
 * App passwords (SQLite step 19), for clients that cannot ask for a two-factor code: one random secret per
 * client, stored only as its SHA-256, listed per user oldest first.
 */
export const APP_PASSWORDS_SCHEMA = `
  CREATE TABLE app_passwords (
    id ${TEXT} PRIMARY KEY,
    user_id ${TEXT} NOT NULL,
    name TEXT NOT NULL,
    secret_hash ${TEXT} NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    last_address TEXT NOT NULL DEFAULT ''
  );
  CREATE INDEX app_passwords_user ON app_passwords (user_id, created_at);
`;
