import type { ClientEvent, Post, PostSort, Preview, Profile } from '@open-discord/protocol';
import type { Action } from '../actions.js';
import type { AppState } from '../app-state.js';
import { notice } from '../notices/notices.js';
import { sanitizeDisplay } from '../../text/sanitize.js';
import type { Finder, FinderEntry } from './finder.js';

/** One board as this screen shows it: a page of posts under a sort and an optional tag filter. */
export interface BoardView {
  sort: PostSort;
  tag: string | null;
  status: 'loading' | 'done' | 'failed';
  pinned: Post[];
  posts: Post[];
  end: boolean;
  /** Index into pinned ++ posts. */
  selected: number;
}

/** A list of posts from anywhere (bookmarks, the following feed, a tag search, a profile's recent posts). */
export interface PostList {
  title: string;
  status: 'loading' | 'done' | 'failed';
  posts: Post[];
  selected: number;
  /** A profile card shown above the posts (`/whois`). */
  profile?: Profile;
  /** The profile's avatar from its thumbnail, fitted small (sharper than the tiny preview the profile carries). */
  avatar?: Preview;
}

/** forum/: boards shown, the post being written (`/post`), and the post list overlay. */
export interface ForumState {
  boards: Record<string, BoardView>;
  /** `/post TITLE`: the next line typed is the post's body (Esc gives up). */
  composer: { roomId: string; title: string } | null;
  list: PostList | null;
  /** `/boards [name]`, `/people NICK`: the finder overlay. */
  finder: Finder | null;
}

export const emptyForum = (): ForumState => ({ boards: {}, composer: null, list: null, finder: null });

export type ForumAction =
  | { type: 'forum/board-loading'; roomId: string; sort: PostSort; tag: string | null }
  | { type: 'forum/board-loaded'; roomId: string; sort: PostSort; tag: string | null; pinned: Post[]; posts: Post[]; end: boolean }
  /** An older page, asked for when the selection reached the last post shown. */
  | { type: 'forum/board-more'; roomId: string; sort: PostSort; tag: string | null; posts: Post[]; end: boolean }
  | { type: 'forum/board-failed'; roomId: string; error: string }
  | { type: 'forum/move'; roomId: string; delta: number }
  | { type: 'forum/compose'; roomId: string; title: string }
  | { type: 'forum/compose-end' }
  /** A post list overlay: opened loading, then filled. */
  | { type: 'forum/list-open'; title: string }
  | { type: 'forum/list-loaded'; posts: Post[]; profile?: Profile }
  | { type: 'forum/list-failed'; error: string }
  | { type: 'forum/list-move'; delta: number }
  /** The board and people finder: opened (loading, or filled at once), filled, failed, moved in. */
  | { type: 'forum/finder-open'; title: string; entries?: FinderEntry[] }
  | { type: 'forum/finder-loaded'; title: string; entries: FinderEntry[] }
  | { type: 'forum/finder-failed'; error: string }
  | { type: 'forum/finder-move'; delta: number }
  /** The avatar of the profile on screen, fetched and fitted by the forum controller. */
  | { type: 'forum/list-avatar'; fileId: string; avatar: Preview };

/** Post text as the screen may show it: no terminal controls, one line. */
export function cleanPost(p: Post): Post {
  return { ...p, title: sanitizeDisplay(p.title).replace(/\n/g, ' '), tags: p.tags.map((t) => sanitizeDisplay(t)) };
}
function cleanProfile(p: Profile): Profile {
  return { ...p, bio: sanitizeDisplay(p.bio), recentPosts: p.recentPosts.map(cleanPost) };
}

/** The board's rows in order: pinned first, then the page. */
export const boardRows = (b: BoardView): Post[] => [...b.pinned, ...b.posts];

const setForum = (state: AppState, forum: Partial<ForumState>): AppState => ({ ...state, forum: { ...state.forum, ...forum } });
const setBoard = (state: AppState, roomId: string, board: BoardView): AppState => setForum(state, { boards: { ...state.forum.boards, [roomId]: board } });
const clamp = (n: number, len: number) => Math.max(0, Math.min(len - 1, n));

/** Newest activity first (or newest post first), as the server pages them. */
function sorted(posts: Post[], sort: PostSort): Post[] {
  const key = sort === 'latest' ? (p: Post) => p.lastOrder : (p: Post) => p.order;
  return [...posts].sort((a, b) => key(b) - key(a));
}

/** Put a post where it belongs on a loaded board (or take it off: deleted, or no longer matching the tag). */
function placeOnBoard(b: BoardView, post: Post | null, id: string): BoardView {
  const pinned = b.pinned.filter((p) => p.id !== id);
  const posts = b.posts.filter((p) => p.id !== id);
  if (post && (b.tag === null || post.tags.includes(b.tag))) {
    if (post.pinned) pinned.push(post);
    else posts.push(post);
  }
  return { ...b, pinned: sorted(pinned, b.sort), posts: sorted(posts, b.sort) };
}

function updateBoards(state: AppState, roomId: string, id: string, change: (old: Post | undefined) => Post | null | undefined): AppState {
  const b = state.forum.boards[roomId];
  if (!b || b.status !== 'done') return state;
  const old = boardRows(b).find((p) => p.id === id);
  const next = change(old);
  // undefined: nothing to do for this post.
  if (next === undefined) return state;
  return setBoard(state, roomId, placeOnBoard(b, next, id));
}

/**
 * A board follows the log once loaded: new posts, edits, lock and pin, comments (count and latest activity)
 * and deleted posts. Called by the world reducer after each event is folded.
 */
export function forumFollowsEvent(state: AppState, event: ClientEvent): AppState {
  switch (event.type) {
    case 'post.created':
    case 'post.updated': {
      const post = cleanPost(event.data.post);
      return updateBoards(state, post.roomId, post.id, () => post);
    }
    case 'message.created': {
      const m = event.data.message;
      if (!m.threadId) return state;
      return updateBoards(state, m.roomId, m.threadId, (old) =>
        old && m.order > old.lastOrder ? { ...old, comments: old.comments + 1, lastOrder: m.order, lastAt: m.createdAt } : undefined,
      );
    }
    case 'message.deleted': {
      const { roomId, messageId } = event.data;
      const b = state.forum.boards[roomId];
      if (b && boardRows(b).some((p) => p.id === messageId)) return updateBoards(state, roomId, messageId, () => null);
      return state;
    }
    case 'thread.updated': {
      // A comment was deleted: the post's count is the thread's, as the server recounted it.
      const { roomId, threadId, thread } = event.data;
      return updateBoards(state, roomId, threadId, (old) => (old && old.comments !== thread.count ? { ...old, comments: thread.count } : undefined));
    }
    default:
      return state;
  }
}

export function forumReducer(state: AppState, action: Action): AppState {
  switch (action.type) {
    case 'forum/board-loading': {
      const b = state.forum.boards[action.roomId];
      return setBoard(state, action.roomId, { sort: action.sort, tag: action.tag, status: 'loading', pinned: b?.pinned ?? [], posts: b?.posts ?? [], end: false, selected: 0 });
    }
    case 'forum/board-loaded': {
      const b = state.forum.boards[action.roomId];
      // An answer to an older sort or filter than the one shown is dropped.
      if (!b || b.sort !== action.sort || b.tag !== action.tag) return state;
      return setBoard(state, action.roomId, { ...b, status: 'done', pinned: action.pinned.map(cleanPost), posts: action.posts.map(cleanPost), end: action.end, selected: 0 });
    }
    case 'forum/board-more': {
      const b = state.forum.boards[action.roomId];
      if (!b || b.sort !== action.sort || b.tag !== action.tag) return state;
      const have = new Set(boardRows(b).map((p) => p.id));
      return setBoard(state, action.roomId, { ...b, posts: [...b.posts, ...action.posts.filter((p) => !have.has(p.id)).map(cleanPost)], end: action.end });
    }
    case 'forum/board-failed': {
      const b = state.forum.boards[action.roomId];
      const next = b ? setBoard(state, action.roomId, { ...b, status: 'failed' }) : state;
      return notice(next, 'error', `board: ${action.error}`);
    }
    case 'forum/move': {
      const b = state.forum.boards[action.roomId];
      if (!b) return state;
      const n = boardRows(b).length;
      return n ? setBoard(state, action.roomId, { ...b, selected: clamp(b.selected + action.delta, n) }) : state;
    }
    case 'forum/compose':
      return setForum(state, { composer: { roomId: action.roomId, title: sanitizeDisplay(action.title) } });
    case 'forum/compose-end':
      return setForum(state, { composer: null });
    case 'forum/list-open':
      return { ...setForum(state, { list: { title: action.title, status: 'loading', posts: [], selected: 0 } }), overlay: { kind: 'posts' } };
    case 'forum/list-loaded': {
      const list = state.forum.list;
      if (!list) return state;
      return setForum(state, { list: { ...list, status: 'done', posts: action.posts.map(cleanPost), ...(action.profile && { profile: cleanProfile(action.profile) }) } });
    }
    case 'forum/list-failed': {
      const list = state.forum.list;
      return notice(list ? setForum(state, { list: { ...list, status: 'failed' } }) : state, 'error', action.error);
    }
    case 'forum/finder-open': {
      const finder: Finder = { title: action.title, status: action.entries ? 'done' : 'loading', entries: action.entries ?? [], selected: 0 };
      return { ...setForum(state, { finder }), overlay: { kind: 'finder' } };
    }
    case 'forum/finder-loaded': {
      const f = state.forum.finder;
      // Only the answer for the finder on screen (a newer /people replaced an older one).
      if (!f || f.title !== action.title || state.overlay?.kind !== 'finder') return state;
      return setForum(state, { finder: { ...f, status: 'done', entries: action.entries, selected: 0 } });
    }
    case 'forum/finder-failed': {
      const f = state.forum.finder;
      return notice(f ? setForum(state, { finder: { ...f, status: 'failed' } }) : state, 'error', action.error);
    }
    case 'forum/finder-move': {
      const f = state.forum.finder;
      if (!f || f.entries.length === 0) return state;
      return setForum(state, { finder: { ...f, selected: clamp(f.selected + action.delta, f.entries.length) } });
    }
    case 'forum/list-avatar': {
      const list = state.forum.list;
      // Only for the profile still on screen (another /whois may have replaced it meanwhile).
      if (!list || list.profile?.avatar?.id !== action.fileId) return state;
      return setForum(state, { list: { ...list, avatar: action.avatar } });
    }
    case 'forum/list-move': {
      const list = state.forum.list;
      if (!list || list.posts.length === 0) return state;
      return setForum(state, { list: { ...list, selected: clamp(list.selected + action.delta, list.posts.length) } });
    }
    default:
      return state;
  }
}
