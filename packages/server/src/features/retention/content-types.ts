/**
 * Log rows that carry a room's content: these become tombstones when their messages expire or their author's
 * account is erased. Engine-neutral: both storage adapters tombstone the same types.
 */
export const CONTENT_TYPES: readonly string[] = [
  'message.created',
  'message.edited',
  'message.deleted',
  'reaction.added',
  'reaction.removed',
  'thread.updated',
  'thread.followed',
  'thread.unfollowed',
  'thread.read',
  // Forum posts are thread roots: their title and tags go with the root message, bookmarks with the post.
  'post.created',
  'post.updated',
  'bookmark.added',
  'bookmark.removed',
];
