import type { Feature } from '../feature.js';
import { registerForumHandlers } from './handlers.js';

/**
 * Forum boards and people: posts (thread roots with a title and hashtags) and their board events, which
 * reach the board's members like its messages; bookmarks and follows, private to the users concerned; and
 * profile changes, server-wide like nickname changes.
 */
export const forum: Feature = {
  name: 'forum',
  // The root of a post is a message: the forum writes its `message.created` (and `message.edited` on a post edit).
  events: ['message.created', 'message.edited', 'post.created', 'post.updated', 'bookmark.added', 'bookmark.removed', 'user.followed', 'user.unfollowed', 'profile.updated'],
  register: registerForumHandlers,
};
