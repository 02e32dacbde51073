import { CONTENT_TYPES } from '../../features/retention/content-types.js';

/*
 * The log rows retention and account deletion turn into tombstones, in PostgreSQL's SQL. `events.data` is
 * the payload's JSON text (kept verbatim for the wire), read here as jsonb.
 */

export const IN_CONTENT = `type IN (${CONTENT_TYPES.map((t) => `'${t}'`).join(', ')})`;

/** The message a content event is about (the paths the SQLite adapter reads with json_extract). */
export const MESSAGE_OF = `COALESCE(data::jsonb #>> '{message,id}', data::jsonb ->> 'messageId', data::jsonb ->> 'threadId',
  data::jsonb #>> '{post,id}', data::jsonb ->> 'postId')`;

/**
 * A tombstone: the row keeps its order (the log stays gap-free), its room and its time; its type becomes
 * `expired` and everything that could say what it was (author, target, payload) goes.
 */
export const TOMBSTONE = `type = 'expired', actor_id = NULL, target_user_id = NULL, data = '{}'`;
