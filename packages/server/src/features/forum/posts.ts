import type { Message, ParsedParams, Post, PostSort } from '@open-discord/protocol';
import { FORUM_LIMITS, normalizeTag, parseHashtags, ProtocolError } from '@open-discord/protocol';
import type { AccessView } from '../../core/access.js';
import { holds } from '../../core/authority.js';
import type { WriteContext } from '../../core/commit-queue.js';
import type { ServiceDeps } from '../../core/deps.js';
import type { Awaitable } from '../../ports/awaitable.js';
import type { MessageRow } from '../messages/repository.js';
import type { SlowmodeCache } from '../messages/slowmode.js';
import { messageToWire } from '../messages/wire.js';
import { roomNotFound } from '../rooms/errors.js';

/** The same answer for a post that does not exist, was deleted, or sits in a board the user cannot see. */
export const postNotFound = () => new ProtocolError('NOT_FOUND', 'post not found');
const notInBoard = () => new ProtocolError('FORBIDDEN', 'you are not in this board; join it first');
const PAGE = 30;

/** The boards (forum rooms) the user can see now: every forum list and search is limited to these. */
export function visibleBoards(view: AccessView, userId: string): string[] {
  const out: string[] = [];
  for (const r of view.allRooms()) if (r.kind === 'forum' && view.canSeeRoom(userId, r.id)) out.push(r.id);
  return out;
}

/** A hashtag as asked (`#rust` or `rust`), or a clear refusal. */
export function tagParam(raw: string): string {
  const tag = normalizeTag(raw);
  if (tag === null) throw new ProtocolError('BAD_REQUEST', `not a hashtag: ${raw} (letters, digits and _ only, at most ${FORUM_LIMITS.tagMax})`);
  return tag;
}

/**
 * Posts on boards: a post is a thread root with a title (its body is the root message's text, so history,
 * search, reactions and threads work on it as on any message), its comments are the thread's replies.
 * Hashtags are parsed here, on the server, from the title and body, and indexed.
 */
export class PostsService {
  constructor(
    private readonly d: ServiceDeps,
    /** Every room's slowmode, kept from the events (messages/slowmode.ts). */
    private readonly slowmodes: SlowmodeCache,
  ) {}

  /** Run in a new post's step once its `post.created` is written (the inbox tells its author's followers). */
  readonly createdHooks: Array<(w: WriteContext, view: AccessView, post: Post) => Awaitable<void>> = [];

  /** The post, for a user who can see its board; hidden, missing and deleted posts answer alike. */
  async visiblePost(view: AccessView, userId: string, postId: string): Promise<Post> {
    const post = await this.d.store.forum.post(postId);
    // The visibility check runs whether or not the row exists: one path for missing and hidden posts.
    const visible = view.canSeeRoom(userId, post?.roomId ?? postId);
    if (!post || post.deleted || !visible) throw postNotFound();
    const { deleted: _, ...out } = post;
    return out;
  }

  create(userId: string, p: ParsedParams<'post.create'>): Promise<{ post: Post }> {
    const { store, access, queue } = this.d;
    const text = p.text.trimEnd();
    return queue.submit(async (w) => {
      const view = await access.view();
      // A retried create (same author and nonce) answers with the post it made.
      const existing = await store.messages.byNonce(userId, p.nonce);
      if (existing) {
        if (!(await store.forum.post(existing.id))) throw new ProtocolError('BAD_REQUEST', 'that nonce was used for a message; a post needs a nonce of its own');
        return { post: await this.visiblePost(view, userId, existing.id) };
      }
      if (!view.canSeeRoom(userId, p.roomId)) throw roomNotFound();
      if (view.room(p.roomId)?.kind !== 'forum') throw new ProtocolError('BAD_REQUEST', 'that room is not a board; send a message instead');
      if (!view.isMember(userId, p.roomId)) throw notInBoard();
      await this.slowmode(view, userId, p.roomId, w.now);
      const tags = parseHashtags(`${p.title}\n${text}`);
      const id = this.d.newId();
      let row: MessageRow | null = null;
      w.emit({ type: 'message.created', roomId: p.roomId, actorId: userId }, (order: number) => {
        row = { id, roomId: p.roomId, authorId: userId, text, nonce: p.nonce, action: false, mentions: [], order, createdAt: w.now, editedAt: null, deleted: false, attachments: [] };
        return { message: messageToWire(row) };
      });
      await store.messages.insert(row!);
      const order = row!.order;
      await store.forum.insertPost({ id, roomId: p.roomId, authorId: userId, title: p.title, tags, order, createdAt: w.now });
      const post = await this.visiblePost(view, userId, id);
      w.emit({ type: 'post.created', roomId: p.roomId, actorId: userId }, { post });
      for (const hook of this.createdHooks) await hook(w, view, post);
      return { post };
    });
  }

  /** A board's slowmode holds for posts as for comments (moderators are exempt), as the messages feature keeps it. */
  private async slowmode(view: AccessView, userId: string, roomId: string, now: number): Promise<void> {
    const seconds = this.slowmodes.of(roomId);
    if (seconds === 0 || view.hasPermission(userId, 'moderate_messages')) return;
    const last = await this.d.store.messages.lastSentAt(userId, roomId);
    const wait = last === null ? 0 : last + seconds * 1000 - now;
    if (wait > 0) throw new ProtocolError('RATE_LIMITED', `slowmode: one message every ${seconds} s in this room`, wait);
  }

  /** The author changes the title or body; hashtags are parsed again from both. */
  edit(userId: string, p: ParsedParams<'post.edit'>): Promise<{ post: Post }> {
    const { store, access, queue } = this.d;
    return queue.submit(async (w) => {
      const before = await this.visiblePost(await access.view(), userId, p.postId);
      if (before.authorId !== userId) throw new ProtocolError('FORBIDDEN', 'you can only edit your own posts');
      const root = (await store.messages.get(before.id))!;
      const text = p.text === undefined ? root.text : p.text.trimEnd();
      const title = p.title ?? before.title;
      if (text !== root.text) {
        await store.messages.edit(root.id, text, w.now);
        const message: Message = messageToWire({ ...root, text, editedAt: w.now });
        w.emit({ type: 'message.edited', roomId: root.roomId, actorId: userId }, { message });
      }
      const tags = parseHashtags(`${title}\n${text}`);
      if (title === before.title && text === root.text) return { post: before };
      await store.forum.setContent(before.id, title, tags);
      const post = await this.visiblePost(await access.view(), userId, before.id);
      w.emit({ type: 'post.updated', roomId: post.roomId, actorId: userId }, { post });
      return { post };
    });
  }

  /** Lock (no more comments) or pin (listed first): moderate_messages. */
  moderate(userId: string, p: ParsedParams<'post.moderate'>): Promise<{ post: Post }> {
    const { store, access, queue } = this.d;
    return queue.submit(async (w) => {
      const view = await access.view();
      const before = await this.visiblePost(view, userId, p.postId);
      if (!holds(view, userId, 'moderate_messages')) throw new ProtocolError('FORBIDDEN', 'you need the moderate_messages permission to lock or pin posts');
      const locked = p.locked ?? before.locked;
      const pinned = p.pinned ?? before.pinned;
      if (locked === before.locked && pinned === before.pinned) return { post: before };
      await store.forum.setFlags(before.id, locked, pinned);
      const post = { ...before, locked, pinned };
      w.emit({ type: 'post.updated', roomId: post.roomId, actorId: userId }, { post });
      return { post };
    });
  }

  async get(userId: string, p: ParsedParams<'post.get'>): Promise<{ post: Post }> {
    return { post: await this.visiblePost(await this.d.access.view(), userId, p.postId) };
  }

  /** A board's page: pinned posts first (first page only), then by latest activity or newest. */
  async list(userId: string, p: ParsedParams<'post.list'>): Promise<{ pinned: Post[]; posts: Post[]; end: boolean }> {
    const view = await this.d.access.view();
    if (!view.canSeeRoom(userId, p.roomId)) throw roomNotFound();
    if (view.room(p.roomId)?.kind !== 'forum') throw new ProtocolError('BAD_REQUEST', 'that room is not a board');
    const sort: PostSort = p.sort ?? 'latest';
    const tag = p.tag === undefined ? null : tagParam(p.tag);
    const limit = p.limit ?? PAGE;
    const forum = this.d.store.forum;
    // A board pins a few posts: they are read by the board's index and filtered here, since walking a common
    // tag's index for pinned posts would read every post carrying it.
    const pinned =
      p.before === undefined
        ? (await forum.board(p.roomId, sort, true, null, { before: Number.MAX_SAFE_INTEGER, limit: FORUM_LIMITS.pageMax })).filter((x) => tag === null || x.tags.includes(tag))
        : [];
    const rows = await forum.board(p.roomId, sort, false, tag, { before: p.before ?? Number.MAX_SAFE_INTEGER, limit: limit + 1 });
    return { pinned, posts: rows.slice(0, limit), end: rows.length <= limit };
  }

  /** Posts with a hashtag across every board the user can see, newest first. */
  async tagged(userId: string, p: ParsedParams<'post.tagged'>): Promise<{ posts: Post[]; end: boolean }> {
    const tag = tagParam(p.tag);
    const boards = visibleBoards(await this.d.access.view(), userId);
    const limit = p.limit ?? PAGE;
    const rows = await this.d.store.forum.tagged(tag, boards, { before: p.before ?? Number.MAX_SAFE_INTEGER, limit: limit + 1 });
    return { posts: rows.slice(0, limit), end: rows.length <= limit };
  }

  /**
   * The send path's rule for boards (run in the send's step): a board takes comments on its posts only, and
   * a locked post takes none, except from moderators.
   */
  async checkSend(view: AccessView, roomId: string, root: MessageRow | null, userId: string): Promise<void> {
    if (view.room(roomId)?.kind !== 'forum') return;
    if (root === null) throw new ProtocolError('BAD_REQUEST', 'a board takes posts (/post) and comments on them, not messages');
    const post = await this.d.store.forum.post(root.id);
    if (!post) throw new ProtocolError('BAD_REQUEST', 'comment on a post of this board');
    if (post.locked && !view.hasPermission(userId, 'moderate_messages')) throw new ProtocolError('FORBIDDEN', 'this post is locked');
  }

  /**
   * A message was edited with `message.edit` (in its step): when it is a post's root, its hashtags are parsed
   * again from the title and the new body, and the board is told.
   */
  async rootEdited(w: WriteContext, root: MessageRow, text: string, actorId: string): Promise<void> {
    const before = await this.d.store.forum.post(root.id);
    if (!before || before.deleted) return;
    const tags = parseHashtags(`${before.title}\n${text}`);
    if (tags.join('\n') === before.tags.join('\n')) return;
    await this.d.store.forum.setContent(root.id, before.title, tags);
    const post = await this.visiblePost(await this.d.access.view(), actorId, root.id);
    w.emit({ type: 'post.updated', roomId: post.roomId, actorId }, { post });
  }

  /** A comment was written (in its step): the post's latest activity moves (a no-op for other threads). */
  async commented(root: MessageRow, reply: MessageRow): Promise<void> {
    await this.d.store.forum.touch(root.id, reply.order, reply.createdAt);
  }
}
