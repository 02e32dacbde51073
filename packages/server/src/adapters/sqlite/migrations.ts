import type Database from 'better-sqlite3';
import { nicknameKey } from '../../features/accounts/nickname-key.js';
import { nameKey } from '../../text/name-key.js';
import { migrateUnreadCounters } from './unread-counters.js';

const UNREAD_COUNTERS_MIGRATION: Migration = migrateUnreadCounters;

/** A migration is SQL, or a function for steps SQL cannot express (Unicode normalisation). */
type Migration = string | ((db: Database.Database) => void);

/**
 * Account safety: two-factor login (the TOTP secret, pending until a code proves an authenticator holds it;
 * the last time step used, so a code is accepted once), recovery codes (hashed, each used once), the roles
 * whose holders must have two-factor login, what each session (refresh-token family) said about itself, and
 * whether a reset code also turns two-factor login off (`od-server user reset-password --clear-2fa`), and the
 * indexes the data export reads a user's reactions and uploads by.
 * Its own constant so tests can find its number wherever it lands in the list.
 */
export const ACCOUNT_SAFETY_MIGRATION = `
  CREATE TABLE two_factor (
    user_id TEXT PRIMARY KEY REFERENCES users(id),
    secret TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 0,
    last_step INTEGER NOT NULL DEFAULT -1,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE recovery_codes (
    user_id TEXT NOT NULL REFERENCES users(id),
    code_hash TEXT NOT NULL,
    used INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, code_hash)
  ) WITHOUT ROWID;
  CREATE TABLE two_factor_roles (role_id TEXT PRIMARY KEY);
  CREATE TABLE sessions (
    family_id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    client TEXT NOT NULL,
    address TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
  );
  CREATE INDEX sessions_user ON sessions(user_id);
  ALTER TABLE reset_codes ADD COLUMN clears_two_factor INTEGER NOT NULL DEFAULT 0;
  -- The data export gathers a user's reactions and uploads.
  CREATE INDEX message_reactions_user ON message_reactions(user_id);
  CREATE INDEX files_uploader ON files(uploader_id);
`;

/**
 * Numbered schema migrations. Each runs in its own transaction and bumps `user_version`, so a crash
 * mid-migration leaves the previous version intact. Never edit a shipped migration; append a new one.
 */
/** The inbox's step (named so tests can roll it back whatever its number once branches merge). */
/*
 * 22 (provisional): voice rooms. Who is in which voice room, one row per user (a user is in one at a time),
 * with the slot the server stamps on their audio and their mute and deafen state; a room's slots are unique.
 * Rows live only while connections do: the server empties the table (writing voice.left) when it starts.
 */
export const VOICE_MIGRATION = `
  CREATE TABLE voice_participants (
    user_id TEXT PRIMARY KEY,
    room_id TEXT NOT NULL,
    slot INTEGER NOT NULL,
    muted INTEGER NOT NULL DEFAULT 0,
    deafened INTEGER NOT NULL DEFAULT 0,
    joined_at INTEGER NOT NULL
  );
  CREATE UNIQUE INDEX voice_participants_slot ON voice_participants(room_id, slot);
`;

export const INBOX_MIGRATION = `
  CREATE TABLE inbox_items (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    room_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    thread_id TEXT,
    actor_id TEXT NOT NULL,
    emoji TEXT,
    item_order INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    read INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX inbox_items_user ON inbox_items(user_id, item_order);
  CREATE INDEX inbox_items_message ON inbox_items(message_id);
  CREATE TABLE inbox_settings (
    user_id TEXT PRIMARY KEY,
    off TEXT NOT NULL DEFAULT '[]'
  );
  CREATE TRIGGER inbox_message_removed AFTER DELETE ON messages BEGIN
    DELETE FROM inbox_items WHERE message_id = old.id;
  END;
`;

export const INBOX_FANOUT_MIGRATION = `
  CREATE TABLE inbox_fanout (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    audience TEXT NOT NULL,
    kind TEXT NOT NULL,
    room_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    thread_id TEXT,
    actor_id TEXT NOT NULL,
    item_order INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    skip TEXT NOT NULL DEFAULT '[]',
    cursor TEXT NOT NULL DEFAULT ''
  );
`;

const MIGRATIONS: readonly Migration[] = [
  /* 1: the event log and its projections */ `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    nickname TEXT NOT NULL,
    nickname_lc TEXT NOT NULL UNIQUE,
    color TEXT,
    password_hash TEXT NOT NULL,
    token_version INTEGER NOT NULL DEFAULT 0,
    removed INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
  );

  CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    family_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    rotated INTEGER NOT NULL DEFAULT 0,
    revoked INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX refresh_tokens_family ON refresh_tokens(family_id);
  CREATE INDEX refresh_tokens_user ON refresh_tokens(user_id);

  CREATE TABLE roles (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_lc TEXT NOT NULL UNIQUE,
    color TEXT,
    position INTEGER NOT NULL,
    permissions TEXT NOT NULL,
    builtin INTEGER NOT NULL DEFAULT 0
  );

  CREATE TABLE user_roles (
    user_id TEXT NOT NULL REFERENCES users(id),
    role_id TEXT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, role_id)
  );

  CREATE TABLE invites (
    code TEXT PRIMARY KEY,
    uses_left INTEGER NOT NULL,
    expires_at INTEGER,
    role_id TEXT REFERENCES roles(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL
  );

  CREATE TABLE reset_codes (
    code_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    expires_at INTEGER NOT NULL,
    used INTEGER NOT NULL DEFAULT 0
  );

  CREATE TABLE categories (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    position INTEGER NOT NULL
  );

  CREATE TABLE rooms (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    topic TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT 'text',
    category_id TEXT,
    position INTEGER NOT NULL DEFAULT 0,
    restricted_to TEXT,
    created_by TEXT,
    created_at INTEGER NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0
  );

  CREATE TABLE room_members (
    room_id TEXT NOT NULL REFERENCES rooms(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    PRIMARY KEY (room_id, user_id)
  );

  CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    room_id TEXT NOT NULL REFERENCES rooms(id),
    author_id TEXT NOT NULL REFERENCES users(id),
    text TEXT NOT NULL,
    nonce TEXT,
    action INTEGER NOT NULL DEFAULT 0,
    mentions TEXT,
    event_order INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    edited_at INTEGER,
    deleted INTEGER NOT NULL DEFAULT 0,
    UNIQUE (author_id, nonce)
  );
  CREATE INDEX messages_room_order ON messages(room_id, event_order);

  CREATE TABLE message_mentions (
    message_id TEXT NOT NULL REFERENCES messages(id),
    user_id TEXT NOT NULL,
    room_id TEXT NOT NULL,
    event_order INTEGER NOT NULL,
    PRIMARY KEY (user_id, room_id, event_order)
  );

  CREATE TABLE read_markers (
    user_id TEXT NOT NULL,
    room_id TEXT NOT NULL,
    event_order INTEGER NOT NULL,
    PRIMARY KEY (user_id, room_id)
  );

  -- The one append-only log. AUTOINCREMENT: an order is never reused, and a rolled-back insert
  -- leaves no hole because the sequence rolls back with it.
  CREATE TABLE events (
    event_order INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    type TEXT NOT NULL,
    room_id TEXT,
    actor_id TEXT,
    target_user_id TEXT,
    data TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );

  -- Built-in roles. Positions leave room for custom roles in between.
  INSERT INTO roles (id, name, name_lc, color, position, permissions, builtin) VALUES
    ('owner', 'owner', 'owner', NULL, 1000000,
     '["create_rooms","manage_rooms","manage_roles","manage_members","moderate_messages","mention_everyone"]', 1),
    ('admin', 'admin', 'admin', NULL, 999999,
     '["create_rooms","manage_rooms","manage_roles","manage_members","moderate_messages","mention_everyone"]', 1),
    ('everyone', 'everyone', 'everyone', NULL, 0, '["create_rooms"]', 1);
  `,
  /* 2: why a user was removed (kick vs ban), and nickname keys folded with NFKC, not just lower case */
  (db) => {
    db.exec('ALTER TABLE users ADD COLUMN removed_reason TEXT');
    db.exec("UPDATE users SET removed_reason = 'kicked' WHERE removed = 1");
    const users = db.prepare<[], { id: string; nickname: string }>('SELECT id, nickname FROM users ORDER BY created_at, id').all();
    // Clear first so re-keying cannot trip the UNIQUE index on an intermediate state.
    db.prepare('UPDATE users SET nickname_lc = id').run();
    const taken = new Set<string>();
    const set = db.prepare('UPDATE users SET nickname = ?, nickname_lc = ? WHERE id = ?');
    for (const u of users) {
      let nickname = u.nickname;
      // Two older nicknames that now collide: the later account gets a suffix (bounded; ids are unique).
      for (let i = 2; taken.has(nicknameKey(nickname)); i++) nickname = i < 1000 ? `${u.nickname.slice(0, 28)}${i}` : u.id;
      taken.add(nicknameKey(nickname));
      set.run(nickname, nicknameKey(nickname), u.id);
    }
  },
  /*
   * 3: nickname and role-name keys fold look-alikes too (UTS #39 confusables skeleton, marks, invisible
   * characters). Names that now collide keep the older holder's; the later one gets a numeric suffix.
   */
  (db) => {
    const rekey = (table: 'users' | 'roles', nameCol: string, keyCol: string, order: string, max: number) => {
      const rows = db.prepare<[], { id: string; name: string }>(`SELECT id, ${nameCol} AS name FROM ${table} ORDER BY ${order}`).all();
      db.prepare(`UPDATE ${table} SET ${keyCol} = id`).run();
      const taken = new Set<string>();
      const set = db.prepare(`UPDATE ${table} SET ${nameCol} = ?, ${keyCol} = ? WHERE id = ?`);
      for (const r of rows) {
        let name = r.name;
        for (let i = 2; taken.has(nameKey(name)); i++) name = i < 1000 ? `${r.name.slice(0, max - 4)}${i}` : r.id;
        taken.add(nameKey(name));
        set.run(name, nameKey(name), r.id);
      }
    };
    rekey('users', 'nickname', 'nickname_lc', 'created_at, id', 32);
    // Built-in roles first, so they keep their names.
    rekey('roles', 'name', 'name_lc', 'builtin DESC, position DESC, id', 32);
  },
  /*
   * 4: invites over the wire (an id to list and revoke by, and who created each), per-user highlight words,
   * and three permissions: create_invites and manage_invites (owner, admin), manage_own_rooms (everyone,
   * owner, admin: creators may rename, retopic and delete their own rooms unless the owner takes it away).
   */
  (db) => {
    db.exec(`
      ALTER TABLE invites ADD COLUMN id TEXT;
      ALTER TABLE invites ADD COLUMN created_by TEXT;
      UPDATE invites SET id = lower(hex(randomblob(12)));
      CREATE UNIQUE INDEX invites_id ON invites(id);
      CREATE INDEX invites_created_by ON invites(created_by);
      ALTER TABLE users ADD COLUMN highlights TEXT;
      CREATE TABLE highlight_words (
        user_id TEXT NOT NULL REFERENCES users(id),
        word_key TEXT NOT NULL,
        PRIMARY KEY (user_id, word_key)
      );
      CREATE INDEX highlight_words_key ON highlight_words(word_key);
      CREATE INDEX messages_author ON messages(author_id);
    `);
    const add: Record<string, string[]> = {
      owner: ['create_invites', 'manage_invites', 'manage_own_rooms'],
      admin: ['create_invites', 'manage_invites', 'manage_own_rooms'],
      everyone: ['manage_own_rooms'],
    };
    const get = db.prepare<[string], { permissions: string }>('SELECT permissions FROM roles WHERE id = ?');
    const set = db.prepare('UPDATE roles SET permissions = ? WHERE id = ?');
    for (const [id, perms] of Object.entries(add)) {
      const row = get.get(id);
      if (!row) continue;
      const current = JSON.parse(row.permissions) as string[];
      set.run(JSON.stringify([...current, ...perms.filter((p) => !current.includes(p))]), id);
    }
  },
  /*
   * 5: room membership for text rooms (join/part). Until now everyone who could see a room received it, so
   * every account joins every live text room: nothing changes for an existing community until people part.
   * Default rooms (joined at sign-up) are flagged; the room the server made at first start is one.
   */
  `
    ALTER TABLE rooms ADD COLUMN auto_join INTEGER NOT NULL DEFAULT 0;
    UPDATE rooms SET auto_join = 1 WHERE kind = 'text' AND created_by IS NULL AND deleted = 0;
    INSERT OR IGNORE INTO room_members (room_id, user_id)
      SELECT r.id, u.id FROM rooms r CROSS JOIN users u WHERE r.kind = 'text' AND r.deleted = 0;
    CREATE INDEX room_members_user ON room_members(user_id);
  `,
  /* 6: presence: a status text others see, and the presence mode a user chose (auto, away, invisible). */
  `
    ALTER TABLE users ADD COLUMN status_text TEXT;
    ALTER TABLE users ADD COLUMN presence_mode TEXT NOT NULL DEFAULT 'auto';
  `,
  /* 7: slowmode: seconds between two messages of one member in a room (0: off). */
  `
    ALTER TABLE rooms ADD COLUMN slowmode_sec INTEGER NOT NULL DEFAULT 0;
  `,
  /*
   * 8: emoji reactions, a set keyed by (message, user, emoji). `emoji_seq` places an emoji among the
   * message's others and is kept while anyone still has it (clients keep an emoji where it is until its last
   * reaction goes); rowid orders its users as they reacted.
   */
  `
    CREATE TABLE message_reactions (
      message_id TEXT NOT NULL REFERENCES messages(id),
      user_id TEXT NOT NULL,
      emoji TEXT NOT NULL,
      emoji_seq INTEGER NOT NULL,
      created_at INTEGER NOT NULL,
      PRIMARY KEY (message_id, user_id, emoji)
    );
    CREATE INDEX message_reactions_emoji ON message_reactions(message_id, emoji);
  `,
  /*
   * 9: direct and group chats, personal room settings, read receipts. A direct chat is found by its member
   * set (one room per pair, unique); a group lists its admins; settings are private rows per user; receipts read the markers of a
   * room's members, hence the index by room. Written to run again harmlessly (IF NOT EXISTS): tests that
   * roll the schema back by hand to an older version re-run it.
   */
  `
    CREATE TABLE IF NOT EXISTS dm_rooms (
      member_key TEXT PRIMARY KEY,
      room_id TEXT NOT NULL UNIQUE REFERENCES rooms(id)
    );
    CREATE TABLE IF NOT EXISTS room_settings (
      user_id TEXT NOT NULL REFERENCES users(id),
      room_id TEXT NOT NULL REFERENCES rooms(id),
      muted INTEGER NOT NULL DEFAULT 0,
      level TEXT,
      local_name TEXT,
      PRIMARY KEY (user_id, room_id)
    );
    CREATE TABLE IF NOT EXISTS notify_defaults (
      user_id TEXT PRIMARY KEY REFERENCES users(id),
      rooms TEXT NOT NULL,
      chats TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS group_admins (
      room_id TEXT NOT NULL REFERENCES rooms(id),
      user_id TEXT NOT NULL REFERENCES users(id),
      PRIMARY KEY (room_id, user_id)
    );
    CREATE INDEX IF NOT EXISTS read_markers_room ON read_markers(room_id);
  `,
  /*
   * 10: uploaded files (their blobs live in <data-dir>/files, named by sha256) and the messages that carry
   * them; a message keeps its attachments' descriptors so history needs no join.
   */
  `
    CREATE TABLE files (
      id TEXT PRIMARY KEY,
      sha256 TEXT NOT NULL,
      uploader_id TEXT NOT NULL REFERENCES users(id),
      name TEXT NOT NULL,
      size INTEGER NOT NULL,
      mime TEXT NOT NULL,
      width INTEGER,
      height INTEGER,
      thumb INTEGER NOT NULL DEFAULT 0,
      preview TEXT,
      created_at INTEGER NOT NULL
    );
    CREATE TABLE message_files (
      message_id TEXT NOT NULL REFERENCES messages(id),
      file_id TEXT NOT NULL REFERENCES files(id),
      PRIMARY KEY (message_id, file_id)
    );
    CREATE INDEX message_files_file ON message_files(file_id);
    ALTER TABLE messages ADD COLUMN attachments TEXT;
  `,
  /*
   * 11: threads (one level). A reply points at its root (thread_id); the root keeps its summary (reply count,
   * newest reply, its last distinct authors) in the same step as each reply. thread_follows holds who follows
   * which thread, at what level, each user's read marker per thread (kept after an unfollow), and the
   * follower's unread and mention counters, kept with each reply and recounted when a marker moves.
   */
  `
    ALTER TABLE messages ADD COLUMN thread_id TEXT;
    ALTER TABLE messages ADD COLUMN also_in_room INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE messages ADD COLUMN reply_count INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE messages ADD COLUMN last_reply_at INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE messages ADD COLUMN last_reply_order INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE messages ADD COLUMN last_reply_authors TEXT;
    CREATE INDEX messages_thread_order ON messages(thread_id, event_order) WHERE thread_id IS NOT NULL;
    -- A mention in a thread-only reply is the thread's, not the room's: the room's count skips it unjoined.
    ALTER TABLE message_mentions ADD COLUMN thread_only INTEGER NOT NULL DEFAULT 0;
    -- The room index, made covering for the room's unread count (author, deleted, thread columns): the count
    -- reads no message row (4x faster for a user in 200 rooms); same name and leading columns for history.
    DROP INDEX messages_room_order;
    CREATE INDEX messages_room_order ON messages(room_id, event_order, author_id, deleted, thread_id, also_in_room);
    CREATE TABLE thread_follows (
      user_id TEXT NOT NULL,
      thread_id TEXT NOT NULL,
      room_id TEXT NOT NULL,
      following INTEGER NOT NULL,
      level TEXT NOT NULL DEFAULT 'all',
      muted INTEGER NOT NULL DEFAULT 0,
      read_order INTEGER NOT NULL DEFAULT 0,
      unread INTEGER NOT NULL DEFAULT 0,
      mentions INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (user_id, thread_id)
    );
    CREATE INDEX thread_follows_thread ON thread_follows(thread_id) WHERE following = 1;
  `,
  /*
   * 12: message search. Two full-text indexes, projections of the messages table kept current by triggers in
   * the same transaction as every insert, edit and delete: a word index (unicode61, diacritics folded,
   * prefix indexes for short prefixes) and a trigram index for text without spaces between words (Chinese,
   * Japanese), where a word tokenizer finds nothing. Both are contentless (the text lives in messages only)
   * and keyed by the message's event order, which never changes (a rowid may, on VACUUM); the order index
   * joins a hit back to its message. A deleted message leaves both indexes; an edit replaces its entry.
   * A new message is not tokenised in the commit that writes it: its order goes into `search_pending` (one
   * small b-tree row), and the pending messages are indexed a few hundred at a time, off the send path, and
   * always before a search runs — so a search never misses one, and plain messages do not pay for an FTS
   * segment per group commit (that halved fan-out). Edits and deletes take the old text out of both indexes
   * in their own transaction.
   * The step fills both from the existing messages, as `od-server search rebuild` does.
   */
  (db) => {
    db.exec(`
      -- Covering for the short-substring scan (the newest messages of the allowed rooms, by order).
      CREATE INDEX messages_order ON messages(event_order, room_id, deleted);
      CREATE VIRTUAL TABLE messages_fts_word USING fts5(
        text, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2', prefix='2 3');
      CREATE VIRTUAL TABLE messages_fts_tri USING fts5(text, content='', contentless_delete=1, tokenize='trigram');
      CREATE TABLE search_pending (event_order INTEGER PRIMARY KEY);
      CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN new.deleted = 0 AND new.text != '' BEGIN
        INSERT OR IGNORE INTO search_pending (event_order) VALUES (new.event_order);
      END;
      CREATE TRIGGER messages_fts_update AFTER UPDATE OF text, deleted ON messages BEGIN
        DELETE FROM messages_fts_word WHERE rowid = old.event_order;
        DELETE FROM messages_fts_tri WHERE rowid = old.event_order;
        DELETE FROM search_pending WHERE event_order = old.event_order;
        INSERT OR IGNORE INTO search_pending (event_order) SELECT new.event_order WHERE new.deleted = 0 AND new.text != '';
      END;
      CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
        DELETE FROM messages_fts_word WHERE rowid = old.event_order;
        DELETE FROM messages_fts_tri WHERE rowid = old.event_order;
        DELETE FROM search_pending WHERE event_order = old.event_order;
      END;
    `);
    rebuildSearchIndex(db);
  },
  /*
   * 13: blocked users, a private list per user (who blocked whom, and since when), looked up by the pair on
   * direct-chat writes and group adds, listed by the blocker only. And the word index gains a prefix index
   * of 4 characters: `deplo*` merged the entries of every word it starts (54 ms p95 at a million messages);
   * now prefixes of 2 to 4 characters are one index lookup. New messages are tokenised in big batches off
   * the send path (see 12), which pays for the larger index. The index is a projection: refilled here from
   * the messages, except those still pending (they are indexed by the next batch, as before).
   */
  `
    CREATE TABLE user_blocks (
      user_id TEXT NOT NULL REFERENCES users(id),
      blocked_id TEXT NOT NULL REFERENCES users(id),
      created_at INTEGER NOT NULL,
      PRIMARY KEY (user_id, blocked_id)
    );
    DROP TABLE messages_fts_word;
    CREATE VIRTUAL TABLE messages_fts_word USING fts5(
      text, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2', prefix='2 3 4');
    INSERT INTO messages_fts_word (rowid, text)
      SELECT event_order, text FROM messages
      WHERE deleted = 0 AND text != '' AND event_order NOT IN (SELECT event_order FROM search_pending);
  `,
  /*
   * 14: retention. A room's own policy (NULL: the server's default; 0: keep forever; else seconds) and its
   * horizon (every message up to this order has expired and is gone). Mentions get an index by message: a
   * message's row cannot be deleted without looking for mentions that point at it (the foreign key), which
   * read the whole mentions table for every message a sweep removed (and for every message deleted).
   */
  `
    ALTER TABLE rooms ADD COLUMN retention_sec INTEGER;
    ALTER TABLE rooms ADD COLUMN expired_through INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX message_mentions_message ON message_mentions(message_id);
  `,
  /* 15: account safety */ ACCOUNT_SAFETY_MIGRATION,
  /*
   * 16: forum. A post is a thread root in a forum room: `posts` keeps its title, hashtags, lock and pin and
   * the order of its newest comment (the board's `latest` sort), indexed per board for both sorts, pinned
   * apart; `post_tags` is the hashtag index: newest post first per tag (tag search over every board), and
   * per tag and board by either sort (a board filtered by a tag), so it keeps each post's activity order too.
   * Bookmarks and follows of people are
   * private rows; `profiles` holds each user's bio, avatar and whether their follows are public.
   */
  `
    CREATE TABLE posts (
      id TEXT PRIMARY KEY,
      room_id TEXT NOT NULL,
      author_id TEXT NOT NULL,
      title TEXT NOT NULL,
      tags TEXT NOT NULL DEFAULT '[]',
      post_order INTEGER NOT NULL,
      created_at INTEGER NOT NULL,
      last_order INTEGER NOT NULL,
      last_at INTEGER NOT NULL,
      locked INTEGER NOT NULL DEFAULT 0,
      pinned INTEGER NOT NULL DEFAULT 0,
      deleted INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX posts_room_latest ON posts(room_id, deleted, pinned, last_order);
    CREATE INDEX posts_room_newest ON posts(room_id, deleted, pinned, post_order);
    CREATE INDEX posts_author ON posts(author_id, post_order);
    CREATE TABLE post_tags (
      tag TEXT NOT NULL,
      post_order INTEGER NOT NULL,
      post_id TEXT NOT NULL,
      room_id TEXT NOT NULL,
      last_order INTEGER NOT NULL,
      PRIMARY KEY (tag, post_order)
    ) WITHOUT ROWID;
    CREATE INDEX post_tags_post ON post_tags(post_id);
    CREATE INDEX post_tags_room_newest ON post_tags(tag, room_id, post_order);
    CREATE INDEX post_tags_room_latest ON post_tags(tag, room_id, last_order);
    CREATE TABLE bookmarks (
      user_id TEXT NOT NULL,
      post_id TEXT NOT NULL,
      created_order INTEGER NOT NULL,
      PRIMARY KEY (user_id, post_id)
    );
    CREATE TABLE user_follows (
      follower_id TEXT NOT NULL,
      followee_id TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      PRIMARY KEY (follower_id, followee_id)
    );
    CREATE INDEX user_follows_followee ON user_follows(followee_id, follower_id);
    CREATE TABLE profiles (
      user_id TEXT PRIMARY KEY,
      bio TEXT NOT NULL DEFAULT '',
      avatar_file_id TEXT,
      show_follows INTEGER NOT NULL DEFAULT 0
    );
    -- Deleting a post is deleting its root message (message.delete): the post leaves its board in the same write.
    CREATE TRIGGER posts_root_deleted AFTER UPDATE OF deleted ON messages WHEN new.deleted = 1 BEGIN
      UPDATE posts SET deleted = 1 WHERE id = new.id;
    END;
    -- A root removed for good (retention): the post, its tags and bookmarks go with it, title included.
    CREATE TRIGGER posts_root_removed AFTER DELETE ON messages BEGIN
      DELETE FROM post_tags WHERE post_id = old.id;
      DELETE FROM bookmarks WHERE post_id = old.id;
      DELETE FROM posts WHERE id = old.id;
    END;
  `,
  /*
   * 17: notification inbox. One row per item and user, written when the news happens; lists join the
   * message (deleted ones drop out) and filter by the rooms the reader sees now. Paged newest first per
   * user; `inbox_settings` keeps each user's switched-off kinds. A message removed for good takes its items.
   */
  INBOX_MIGRATION,
  /*
   * 18: the audit log of privileged actions (who did what to whom, when), and names held after an account was
   * deleted: hashes of the old username and nickname keys, so nobody takes them over before `until`.
   */
  `
    CREATE TABLE audit_log (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      at INTEGER NOT NULL,
      actor_id TEXT,
      action TEXT NOT NULL,
      target_user_id TEXT,
      room_id TEXT,
      detail TEXT NOT NULL DEFAULT '{}'
    );
    CREATE TABLE name_holds (
      key_hash TEXT PRIMARY KEY,
      until INTEGER NOT NULL
    );
  `,
  /*
   * 19: app passwords, for clients that cannot ask for a two-factor code (IRC): one random secret per client,
   * stored as its SHA-256 (it is long and random, so a slow hash adds nothing), shown to the user once.
   */
  `
    CREATE TABLE app_passwords (
      id TEXT PRIMARY KEY,
      user_id TEXT NOT NULL,
      name TEXT NOT NULL,
      secret_hash TEXT NOT NULL UNIQUE,
      created_at INTEGER NOT NULL,
      last_used_at INTEGER,
      last_address TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX app_passwords_user ON app_passwords (user_id, created_at);
  `,
  /*
   * 20: the inbox's fan-out outbox. News with a large audience (a post read by its author's
   * followers, a comment read by its post's followers) is written here in the news' own step, and its items
   * are written after that commit, a chunk of the audience per step, `cursor` holding the last user done (the
   * audience in user id order), `skip` the users the news' step already dealt with (a mention or reply wins
   * over a comment, even when switched off). A job and the items of each chunk commit together, so a restart
   * resumes where it stopped and nobody gets an item twice.
   */
  INBOX_FANOUT_MIGRATION,
  /* 21: voice rooms */ VOICE_MIGRATION,
  /*
   * 22: exact room unread counts from maintained counters (see unread-counters.ts): a per-room
   * message sequence and, per reader, the sequence at the marker and what after it is theirs or gone.
   */
  UNREAD_COUNTERS_MIGRATION,
];

/**
 * Refill both search indexes from the messages table (the migration's first fill, and `od-server search
 * rebuild`): the indexes are projections, so this loses nothing. Runs inside the caller's transaction.
 */
export function rebuildSearchIndex(db: Database.Database): void {
  db.exec(`
    INSERT INTO messages_fts_word (messages_fts_word) VALUES ('delete-all');
    INSERT INTO messages_fts_tri (messages_fts_tri) VALUES ('delete-all');
    DELETE FROM search_pending;
    INSERT INTO messages_fts_word (rowid, text) SELECT event_order, text FROM messages WHERE deleted = 0 AND text != '';
    INSERT INTO messages_fts_tri (rowid, text) SELECT event_order, text FROM messages WHERE deleted = 0 AND text != '' AND has_unspaced(text);
  `);
}

/** The schema version that adds the room unread counters. */
export const UNREAD_COUNTERS_STEP = MIGRATIONS.indexOf(UNREAD_COUNTERS_MIGRATION) + 1;
export const SCHEMA_VERSION = MIGRATIONS.length;
/** The schema version that adds the inbox tables. */
export const INBOX_STEP = MIGRATIONS.indexOf(INBOX_MIGRATION) + 1;
/** The schema version that adds the inbox's fan-out outbox. */
export const INBOX_FANOUT_STEP = MIGRATIONS.indexOf(INBOX_FANOUT_MIGRATION) + 1;
/** The schema version that adds the voice participants table. */
export const VOICE_STEP = MIGRATIONS.indexOf(VOICE_MIGRATION) + 1;
/** The schema version that adds the account-safety tables. */
export const ACCOUNT_SAFETY_STEP = MIGRATIONS.indexOf(ACCOUNT_SAFETY_MIGRATION) + 1;

export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`database schema version ${current} is newer than this server (${MIGRATIONS.length})`);
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      const m = MIGRATIONS[v]!;
      if (typeof m === 'string') db.exec(m);
      else m(db);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}
