import { TEXT } from './types.js';

/** Users and what lets someone in: refresh tokens, invites, reset codes; and highlight words. */
export const ACCOUNTS_SCHEMA = `
  CREATE TABLE users (
    id ${TEXT} PRIMARY KEY,
    username ${TEXT} NOT NULL UNIQUE,
    nickname ${TEXT} NOT NULL,
    nickname_lc ${TEXT} NOT NULL UNIQUE,
    color ${TEXT},
    password_hash ${TEXT} NOT NULL,
    token_version INTEGER NOT NULL DEFAULT 0,
    removed INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    removed_reason ${TEXT},
    highlights TEXT,
    status_text ${TEXT},
    presence_mode ${TEXT} NOT NULL DEFAULT 'auto'
  );
  CREATE INDEX users_created ON users(created_at, id);

  CREATE TABLE refresh_tokens (
    token_hash ${TEXT} PRIMARY KEY,
    user_id ${TEXT} NOT NULL REFERENCES users(id),
    family_id ${TEXT} NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    rotated INTEGER NOT NULL DEFAULT 0,
    revoked INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX refresh_tokens_family ON refresh_tokens(family_id);
  CREATE INDEX refresh_tokens_user ON refresh_tokens(user_id);

  CREATE TABLE reset_codes (
    code_hash ${TEXT} PRIMARY KEY,
    user_id ${TEXT} NOT NULL REFERENCES users(id),
    expires_at BIGINT NOT NULL,
    used INTEGER NOT NULL DEFAULT 0,
    clears_two_factor INTEGER NOT NULL DEFAULT 0
  );

  CREATE TABLE highlight_words (
    user_id ${TEXT} NOT NULL REFERENCES users(id),
    word_key ${TEXT} NOT NULL,
    PRIMARY KEY (user_id, word_key)
  );
  CREATE INDEX highlight_words_key ON highlight_words(word_key);
`;

/** Invites reference roles: created after them. */
export const INVITES_SCHEMA = `
  CREATE TABLE invites (
    code ${TEXT} PRIMARY KEY,
    uses_left INTEGER NOT NULL,
    expires_at BIGINT,
    role_id ${TEXT} REFERENCES roles(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    id ${TEXT},
    created_by ${TEXT}
  );
  CREATE UNIQUE INDEX invites_id ON invites(id);
  CREATE INDEX invites_created_by ON invites(created_by);
`;
