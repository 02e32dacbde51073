import { TEXT } from './types.js';

/**
 * Forum: posts (a thread root in a forum room: title, hashtags, lock, pin, activity order), the hashtag
 * index, bookmarks, follows of people and profiles. SQLite's two triggers on messages become PL/pgSQL: a
 * deleted root takes its post off its board; a root removed for good (retention, account deletion) takes the
 * post, its tags and its bookmarks with it.
 */
export const FORUM_SCHEMA = `
  CREATE TABLE posts (
    id ${TEXT} PRIMARY KEY,
    room_id ${TEXT} NOT NULL,
    author_id ${TEXT} NOT NULL,
    title TEXT NOT NULL,
    tags TEXT NOT NULL DEFAULT '[]',
    post_order BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    last_order BIGINT NOT NULL,
    last_at BIGINT NOT NULL,
    locked INTEGER NOT NULL DEFAULT 0,
    pinned INTEGER NOT NULL DEFAULT 0,
    deleted INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX posts_room_latest ON posts(room_id, deleted, pinned, last_order);
  CREATE INDEX posts_room_newest ON posts(room_id, deleted, pinned, post_order);
  CREATE INDEX posts_author ON posts(author_id, post_order);
  CREATE TABLE post_tags (
    tag ${TEXT} NOT NULL,
    post_order BIGINT NOT NULL,
    post_id ${TEXT} NOT NULL,
    room_id ${TEXT} NOT NULL,
    last_order BIGINT NOT NULL,
    PRIMARY KEY (tag, post_order)
  );
  CREATE INDEX post_tags_post ON post_tags(post_id);
  CREATE INDEX post_tags_room_newest ON post_tags(tag, room_id, post_order);
  CREATE INDEX post_tags_room_latest ON post_tags(tag, room_id, last_order);
  CREATE TABLE bookmarks (
    user_id ${TEXT} NOT NULL,
    post_id ${TEXT} NOT NULL,
    created_order BIGINT NOT NULL,
    PRIMARY KEY (user_id, post_id)
  );
  CREATE INDEX bookmarks_post ON bookmarks(post_id);
  CREATE TABLE user_follows (
    follower_id ${TEXT} NOT NULL,
    followee_id ${TEXT} NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (follower_id, followee_id)
  );
  CREATE INDEX user_follows_followee ON user_follows(followee_id, follower_id);
  CREATE TABLE profiles (
    user_id ${TEXT} PRIMARY KEY,
    bio TEXT NOT NULL DEFAULT '',
    avatar_file_id ${TEXT},
    show_follows INTEGER NOT NULL DEFAULT 0
  );

  CREATE FUNCTION posts_root_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    UPDATE posts SET deleted = 1 WHERE id = NEW.id;
    RETURN NULL;
  END $$;
  CREATE TRIGGER posts_root_deleted AFTER UPDATE OF deleted ON messages
    FOR EACH ROW WHEN (NEW.deleted = 1) EXECUTE FUNCTION posts_root_deleted();

  CREATE FUNCTION posts_root_removed() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    DELETE FROM post_tags WHERE post_id = OLD.id;
    DELETE FROM bookmarks WHERE post_id = OLD.id;
    DELETE FROM posts WHERE id = OLD.id;
    RETURN NULL;
  END $$;
  CREATE TRIGGER posts_root_removed AFTER DELETE ON messages FOR EACH ROW EXECUTE FUNCTION posts_root_removed();
`;
