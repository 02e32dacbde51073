import { TEXT } from './types.js';

/** Two-factor login, recovery codes, roles that require it, and what each session said about itself. */
export const ACCOUNT_SECURITY_SCHEMA = `
  CREATE TABLE two_factor (
    user_id ${TEXT} PRIMARY KEY REFERENCES users(id),
    secret TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 0,
    last_step BIGINT NOT NULL DEFAULT -1,
    created_at BIGINT NOT NULL
  );
  CREATE TABLE recovery_codes (
    user_id ${TEXT} NOT NULL REFERENCES users(id),
    code_hash ${TEXT} NOT NULL,
    used INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, code_hash)
  );
  CREATE TABLE two_factor_roles (role_id ${TEXT} PRIMARY KEY);
  CREATE TABLE sessions (
    family_id ${TEXT} PRIMARY KEY,
    user_id ${TEXT} NOT NULL REFERENCES users(id),
    client ${TEXT} NOT NULL,
    address ${TEXT} NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
  );
  CREATE INDEX sessions_user ON sessions(user_id);
`;
