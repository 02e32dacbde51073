import { TEXT } from './types.js';

const ALL = '["create_rooms","manage_rooms","manage_roles","manage_members","moderate_messages","mention_everyone","create_invites","manage_invites","manage_own_rooms"]';

/** Roles, who holds which, and the three built-in roles with the permissions SQLite's steps gave them. */
export const ROLES_SCHEMA = `
  CREATE TABLE roles (
    id ${TEXT} PRIMARY KEY,
    name ${TEXT} NOT NULL,
    name_lc ${TEXT} NOT NULL UNIQUE,
    color ${TEXT},
    position INTEGER NOT NULL,
    permissions TEXT NOT NULL,
    builtin INTEGER NOT NULL DEFAULT 0
  );

  CREATE TABLE user_roles (
    user_id ${TEXT} NOT NULL REFERENCES users(id),
    role_id ${TEXT} NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, role_id)
  );
  CREATE INDEX user_roles_role ON user_roles(role_id);

  INSERT INTO roles (id, name, name_lc, color, position, permissions, builtin) VALUES
    ('owner', 'owner', 'owner', NULL, 1000000, '${ALL}', 1),
    ('admin', 'admin', 'admin', NULL, 999999, '${ALL}', 1),
    ('everyone', 'everyone', 'everyone', NULL, 0, '["create_rooms","manage_own_rooms"]', 1);
`;
