import { ACCOUNT_SECURITY_SCHEMA } from './account-security.js';
import { APP_PASSWORDS_SCHEMA } from './app-passwords.js';
import { AUDIT_SCHEMA } from './audit.js';
import { BLOCKS_SCHEMA } from './blocks.js';
import { CONVERSATIONS_SCHEMA } from './conversations.js';
import { FILES_SCHEMA } from './files.js';
import { FORUM_SCHEMA } from './forum.js';
import { INBOX_SCHEMA } from './inbox.js';
import { REACTIONS_SCHEMA } from './reactions.js';
import { ROOM_SETTINGS_SCHEMA } from './room-settings.js';
import { SEARCH_SCHEMA } from './search.js';
import { THREADS_SCHEMA } from './threads.js';
import { VOICE_SCHEMA } from './voice.js';

/**
 * The feature repositories' DDL, in an order that satisfies their foreign keys; it goes after the core
 * schemas (migrations.ts: FEATURE_SCHEMAS). Retention has no table of its own: its columns are the rooms'.
 */
export const FEATURE_SCHEMA_LIST: readonly string[] = [
  REACTIONS_SCHEMA,
  CONVERSATIONS_SCHEMA,
  ROOM_SETTINGS_SCHEMA,
  FILES_SCHEMA,
  THREADS_SCHEMA,
  SEARCH_SCHEMA,
  BLOCKS_SCHEMA,
  ACCOUNT_SECURITY_SCHEMA,
  AUDIT_SCHEMA,
  FORUM_SCHEMA,
  INBOX_SCHEMA,
  APP_PASSWORDS_SCHEMA,
  VOICE_SCHEMA,
];
