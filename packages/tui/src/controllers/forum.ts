import { LIMITS, normalizeTag, type Post, type PostSort, type Profile } from '@open-discord/protocol';
import { findUser } from '../commands/resolve.js';
import { boardRows } from '../state/forum/forum.js';
import { boardEntries, personEntries } from '../state/forum/finder.js';
import { currentBoard } from '../state/forum/selectors.js';
import type { ControllerContext } from './chat-client.js';
import { describeError } from './describe-error.js';
import type { Threads } from './threads.js';
import type { FileTransfer } from '../files/transfer.js';
import { decodePng } from '../images/png.js';
import { previewOf, resize } from '../images/bitmap.js';

/** The avatar is fitted into this many pixels each way (the card draws it at most 24 cells wide). */
const AVATAR_PX = 48;

export interface Forum {
  /** A forum command (`/post`, `/sort`, `/tag`, `/bookmark`, `/bookmarks`, `/feed`, `/whois`, `/bio`, …). */
  run(name: string, args: Record<string, unknown>): boolean;
  /** `/search #tag`: posts with the tag on every board one can see. */
  tagged(tag: string): void;
  /** The line typed while `/post` waits for a body: sends the post. */
  body(text: string): void;
  /** Enter on the board on screen (or in the post list): open the selected post and its comments. */
  openSelected(): void;
  openListed(): void;
  /** A person's profile card (`/whois @nick`, `p` on a selected message). */
  profile(userId: string): void;
  /** Enter in the finder: go to the board, or open the person's profile card. */
  openFound(): void;
}

/**
 * The forum controller: loads a board when it comes on screen (and again when its sort or tag filter
 * changes), writes posts (`/post TITLE`, then the body), opens a post's comments in the thread pane, and
 * fills the post list overlay (bookmarks, the following feed, a tag search, a profile card).
 */
export function attachForum({ client, store }: ControllerContext, threads: Threads, nonce: () => string, files: FileTransfer | null = null): Forum {
  const { dispatch } = store;
  const flash = (kind: 'info' | 'error', text: string) => dispatch({ type: 'flash', kind, text });

  const load = (roomId: string, sort: PostSort, tag: string | null) => {
    dispatch({ type: 'forum/board-loading', roomId, sort, tag });
    client.request('post.list', { roomId, sort, ...(tag !== null && { tag }) }).then(
      (r) => dispatch({ type: 'forum/board-loaded', roomId, sort, tag, pinned: r.pinned, posts: r.posts, end: r.end }),
      (e: unknown) => dispatch({ type: 'forum/board-failed', roomId, error: describeError(e) }),
    );
  };

  // A board loads the first time it is on screen while connected; after a reconnect (events may have been
  // missed while away), the board on screen loads again, and the others when next shown.
  let stale = new Set<string>();
  let wasConnected = false;
  store.subscribe((s) => {
    const connected = s.status.state === 'live';
    if (connected && !wasConnected) stale = new Set(Object.keys(s.forum.boards));
    wasConnected = connected;
    const cur = currentBoard(s);
    if (!cur || !connected || cur.board?.status === 'loading') return;
    if (cur.board && !stale.has(cur.roomId)) return;
    stale.delete(cur.roomId);
    load(cur.roomId, cur.board?.sort ?? 'latest', cur.board?.tag ?? null);
  });

  // Choosing the last post shown asks for the next (older) page, once per cursor.
  const asked = new Set<string>();
  store.subscribe((s) => {
    const cur = currentBoard(s);
    const b = cur?.board;
    if (!cur || !b || b.status !== 'done' || b.end || b.posts.length === 0 || b.selected < boardRows(b).length - 1) return;
    const last = b.posts.at(-1)!;
    const before = b.sort === 'latest' ? last.lastOrder : last.order;
    const key = `${cur.roomId}:${b.sort}:${b.tag ?? ''}:${before}`;
    if (asked.has(key)) return;
    asked.add(key);
    const { sort, tag } = b;
    client.request('post.list', { roomId: cur.roomId, sort, before, ...(tag !== null && { tag }) }).then(
      (r) => dispatch({ type: 'forum/board-more', roomId: cur.roomId, sort, tag, posts: r.posts, end: r.end }),
      (e: unknown) => {
        asked.delete(key);
        flash('error', `board: ${describeError(e)}`);
      },
    );
  });

  const onBoard = (what: string): { roomId: string; sort: PostSort; tag: string | null } | null => {
    const cur = currentBoard(store.getState());
    if (!cur) {
      flash('error', `${what}: go to a board first (a room created with --kind forum)`);
      return null;
    }
    return { roomId: cur.roomId, sort: cur.board?.sort ?? 'latest', tag: cur.board?.tag ?? null };
  };

  /** The post to act on: the one open in the thread pane, else the board's selected one. */
  const targetPost = (): Post | null => {
    const s = store.getState();
    const cur = currentBoard(s);
    const open = s.thread ? cur?.board && boardRows(cur.board).find((p) => p.id === s.thread!.rootId) : null;
    if (open) return open;
    const b = cur?.board;
    return b ? (boardRows(b)[b.selected] ?? null) : null;
  };

  const list = (title: string, load: () => Promise<{ posts: Post[]; profile?: Profile }>, loaded: (p: Profile) => void = () => {}) => {
    dispatch({ type: 'forum/list-open', title });
    load().then(
      (r) => {
        dispatch({ type: 'forum/list-loaded', posts: r.posts, ...(r.profile && { profile: r.profile }) });
        if (r.profile) loaded(r.profile);
      },
      (e: unknown) => dispatch({ type: 'forum/list-failed', error: `${title}: ${describeError(e)}` }),
    );
  };

  const openPost = (p: Post) => {
    dispatch({ type: 'overlay/close' });
    if (store.getState().currentRoomId !== p.roomId) dispatch({ type: 'room/select', roomId: p.roomId });
    threads.open(p.roomId, p.id);
  };

  const bookmark = (on: boolean) => {
    const p = targetPost();
    if (!p) return flash('error', `/${on ? 'bookmark' : 'unbookmark'}: choose a post on a board first`);
    client.request(on ? 'bookmark.add' : 'bookmark.remove', { postId: p.id }).then(
      () => flash('info', on ? `bookmarked "${p.title}" (/bookmarks lists them)` : `bookmark of "${p.title}" removed`),
      (e: unknown) => flash('error', `/${on ? 'bookmark' : 'unbookmark'}: ${describeError(e)}`),
    );
  };

  /** `/follow @nick` and `/unfollow @nick`: a person (the thread commands take the rest). */
  const person = (on: boolean, raw: string) => {
    const world = store.getState().world;
    const id = world ? findUser(world, raw) : null;
    if (!id) return flash('error', `no member "${raw.replace(/^@/, '')}"`);
    const nick = world!.users[id]?.nickname ?? raw;
    client.request(on ? 'user.follow' : 'user.unfollow', { userId: id }).then(
      () => flash('info', on ? `following ${nick}: their new posts show in /feed` : `no longer following ${nick}`),
      (e: unknown) => flash('error', `/${on ? 'follow' : 'unfollow'}: ${describeError(e)}`),
    );
  };

  /**
   * The profile card, and then its avatar: the thumbnail is fetched (with the session's token) and fitted
   * small, as the card draws it, so the state keeps a few kilobytes of pixels rather than the picture.
   */
  const profile = (userId: string) => {
    const nick = store.getState().world?.users[userId]?.nickname ?? userId;
    const fetchAvatar = (p: Profile) => {
      const a = p.avatar;
      if (!a?.thumb || !files || store.getState().images.mode === 'off') return;
      files.thumbnail(a.id).then(
        (bytes) => {
          const b = decodePng(bytes);
          const scale = Math.min(1, AVATAR_PX / Math.max(b.width, b.height));
          dispatch({ type: 'forum/list-avatar', fileId: a.id, avatar: previewOf(resize(b, b.width * scale, b.height * scale)) });
        },
        // No thumbnail: the card keeps the profile's own small preview (or the initials).
        () => {},
      );
    };
    list(
      `profile of ${nick}`,
      () => client.request('profile.get', { userId }).then((r) => ({ posts: r.profile.recentPosts, profile: r.profile })),
      fetchAvatar,
    );
  };

  const tagged = (raw: string) => {
    const tag = normalizeTag(raw);
    if (tag === null) return flash('error', `not a hashtag: ${raw}`);
    list(`posts tagged #${tag}`, () => client.request('post.tagged', { tag }));
  };

  const run = (name: string, args: Record<string, unknown>): boolean => {
    const str = (k: string) => (typeof args[k] === 'string' ? (args[k] as string) : '');
    switch (name) {
      case 'post': {
        const b = onBoard('/post');
        if (!b) return true;
        const title = str('title').trim();
        if (!title) return flash('error', 'usage: /post TITLE'), true;
        dispatch({ type: 'forum/compose', roomId: b.roomId, title });
        flash('info', `new post "${title}": type its body and Enter (Alt+Enter for a new line; Esc gives up)`);
        return true;
      }
      case 'sort': {
        const b = onBoard('/sort');
        const order = str('order').toLowerCase();
        if (b && (order === 'latest' || order === 'newest')) load(b.roomId, order, b.tag);
        else if (b) flash('error', 'usage: /sort latest|newest');
        return true;
      }
      case 'tag': {
        const b = onBoard('/tag');
        if (!b) return true;
        const raw = str('tag');
        const tag = raw ? normalizeTag(raw) : null;
        if (raw && tag === null) return flash('error', `not a hashtag: ${raw}`), true;
        load(b.roomId, b.sort, tag);
        return true;
      }
      case 'retitle': {
        const p = targetPost();
        const title = str('title').trim();
        if (!p) return flash('error', '/retitle: choose a post on a board first'), true;
        if (!title) return flash('error', 'usage: /retitle TITLE'), true;
        client.request('post.edit', { postId: p.id, title }).then(
          (r) => flash('info', `retitled "${r.post.title}"`),
          (e: unknown) => flash('error', `/retitle: ${describeError(e)}`),
        );
        return true;
      }
      case 'lock':
      case 'unlock':
      case 'pin':
      case 'unpin': {
        const p = targetPost();
        if (!p) return flash('error', `/${name}: choose a post on a board first`), true;
        const change = name === 'lock' || name === 'unlock' ? { locked: name === 'lock' } : { pinned: name === 'pin' };
        // The board follows from the post.updated event; the server decides who may (moderate_messages).
        client.request('post.moderate', { postId: p.id, ...change }).then(
          () => flash('info', `${name === 'lock' ? 'locked' : name === 'unlock' ? 'unlocked' : name === 'pin' ? 'pinned' : 'unpinned'} "${p.title}"`),
          (e: unknown) => flash('error', `/${name}: ${describeError(e)}`),
        );
        return true;
      }
      case 'bookmark':
      case 'unbookmark':
        bookmark(name === 'bookmark');
        return true;
      case 'bookmarks':
        list('your bookmarks', () => client.request('bookmark.list', {}));
        return true;
      case 'feed':
        list('following: new posts', () => client.request('feed.following', {}));
        return true;
      case 'whois': {
        const world = store.getState().world;
        const id = world ? findUser(world, str('nick')) : null;
        if (!id) return flash('error', `no member "${str('nick').replace(/^@/, '')}"`), true;
        profile(id);
        return true;
      }
      case 'boards': {
        // The boards one can see are all in the world already: filtered here, no request.
        const q = str('name').trim();
        dispatch({ type: 'forum/finder-open', title: q ? `boards matching "${q}"` : 'boards you can see', entries: boardEntries(store.getState(), q) });
        return true;
      }
      case 'people': {
        const q = str('nick').trim().replace(/^@/, '');
        if (!q) return flash('error', 'usage: /people NICK (part of a nickname)'), true;
        const title = `people matching "${q}"`;
        dispatch({ type: 'forum/finder-open', title });
        client.request('search.users', { query: q }).then(
          (r) => dispatch({ type: 'forum/finder-loaded', title, entries: personEntries(store.getState(), r.users) }),
          (e: unknown) => dispatch({ type: 'forum/finder-failed', error: `/people: ${describeError(e)}` }),
        );
        return true;
      }
      case 'bio':
        client.request('profile.set', { bio: str('text').trim() }).then(
          () => flash('info', str('text').trim() ? 'bio saved (/whois yourself to see it)' : 'bio cleared'),
          (e: unknown) => flash('error', `/bio: ${describeError(e)}`),
        );
        return true;
      case 'showfollows': {
        const on = str('on').toLowerCase();
        if (on !== 'on' && on !== 'off') return flash('error', 'usage: /showfollows on|off'), true;
        client.request('profile.set', { showFollows: on === 'on' }).then(
          () => flash('info', on === 'on' ? 'everyone may now see whom you follow and who follows you' : 'your follows are private again'),
          (e: unknown) => flash('error', `/showfollows: ${describeError(e)}`),
        );
        return true;
      }
      case 'follow':
      case 'unfollow': {
        const who = str(name === 'follow' ? 'level' : 'nick');
        if (!who.startsWith('@') && !(name === 'unfollow' && who)) return false;
        person(name === 'follow', who);
        return true;
      }
      default:
        return false;
    }
  };

  const body = (text: string) => {
    const c = store.getState().forum.composer;
    if (!c) return;
    const trimmed = text.replace(/\s+$/, '');
    if (trimmed.length > LIMITS.maxMessageLength) return flash('error', `post too long (${trimmed.length}/${LIMITS.maxMessageLength})`);
    dispatch({ type: 'forum/compose-end' });
    client.request('post.create', { roomId: c.roomId, title: c.title, text: trimmed, nonce: nonce() }, { queue: true }).then(
      (r) => flash('info', `posted "${r.post.title}"${r.post.tags.length ? ` ${r.post.tags.map((t) => `#${t}`).join(' ')}` : ''}`),
      (e: unknown) => {
        flash('error', `post not sent: ${describeError(e)}`);
        // The body comes back with the composer, so nothing typed is lost.
        dispatch({ type: 'forum/compose', roomId: c.roomId, title: c.title });
        dispatch({ type: 'input/set', text: trimmed });
      },
    );
  };

  return {
    run,
    tagged,
    body,
    profile,
    openFound() {
      const f = store.getState().forum.finder;
      const e = f?.entries[f.selected];
      if (!e) return dispatch({ type: 'overlay/close' });
      if (e.kind === 'person') return profile(e.id);
      dispatch({ type: 'overlay/close' });
      if (!store.getState().world?.rooms[e.id]) return flash('error', 'that board is gone');
      dispatch({ type: 'room/select', roomId: e.id });
    },
    openSelected() {
      const p = targetPost();
      if (p) openPost(p);
    },
    openListed() {
      const l = store.getState().forum.list;
      const p = l?.posts[l.selected];
      if (!p) return dispatch({ type: 'overlay/close' });
      if (!store.getState().world?.rooms[p.roomId]) return flash('error', 'that board is gone');
      openPost(p);
    },
  };
}
