import type { InboxItem, InboxKind, InboxSettings, ParsedParams, Post } from '@open-discord/protocol';
import { ProtocolError } from '@open-discord/protocol';
import type { AccessView } from '../../core/access.js';
import type { WriteContext } from '../../core/commit-queue.js';
import type { ServiceDeps } from '../../core/deps.js';
import type { MessageRow } from '../messages/repository.js';

const PAGE = 30;

/** Where news happened: the message it is about and who did it. */
interface News {
  roomId: string;
  messageId: string;
  threadId: string | null;
  actorId: string;
  emoji: string | null;
  order: number;
}

/** The rooms the user can see now: every inbox read is limited to these. */
function visibleRooms(view: AccessView, userId: string): string[] {
  const out: string[] = [];
  for (const r of view.allRooms()) if (view.canSeeRoom(userId, r.id)) out.push(r.id);
  return out;
}

/**
 * The notification inbox. Items are written in the step of the news itself (a message that mentions or
 * replies, a comment on a followed post, a post by a followed person, a reaction to one's post), for users
 * who can see the room then and have the kind switched on; each is announced to its user by an event that
 * names the item only. Reads list and count items of the rooms the user sees now, so an item from a room
 * they lost access to is neither shown nor counted.
 */
export class InboxService {
  constructor(private readonly d: ServiceDeps) {}

  /**
   * A message was written (in its step). Plain messages that mention nobody return at once: the send path
   * of ordinary chat pays nothing for the inbox.
   */
  async messageCreated(w: WriteContext, view: AccessView, row: MessageRow, root: MessageRow | null, mentioned: readonly string[]): Promise<void> {
    if (root === null && mentioned.length === 0) return;
    // One item per user and message, the most specific kind winning: mention, then reply, then comment.
    const to = new Map<string, InboxKind>();
    if (root !== null) {
      if (await this.d.store.forum.post(root.id)) {
        for (const f of await this.d.store.threads.followers(root.id)) if (f.following && !f.muted) to.set(f.userId, 'comment');
      }
      to.set(root.authorId, 'reply');
    }
    for (const userId of mentioned) to.set(userId, 'mention');
    await this.deliver(w, view, to, { roomId: row.roomId, messageId: row.id, threadId: root?.id ?? null, actorId: row.authorId, emoji: null, order: row.order });
  }

  /** A post was written (in its step): the people following its author hear of it. */
  async postCreated(w: WriteContext, view: AccessView, post: Post): Promise<void> {
    const followers = await this.d.store.forum.followers(post.authorId);
    if (followers.length === 0) return;
    const to = new Map<string, InboxKind>(followers.map((f) => [f, 'post']));
    await this.deliver(w, view, to, { roomId: post.roomId, messageId: post.id, threadId: null, actorId: post.authorId, emoji: null, order: post.order });
  }

  /** A reaction was added (in its step): the author of a post or comment on a board hears of it. */
  async reacted(w: WriteContext, view: AccessView, row: MessageRow, userId: string, emoji: string, order: number): Promise<void> {
    if (row.authorId === userId || view.room(row.roomId)?.kind !== 'forum') return;
    const to = new Map<string, InboxKind>([[row.authorId, 'reaction']]);
    await this.deliver(w, view, to, { roomId: row.roomId, messageId: row.id, threadId: row.threadId ?? null, actorId: userId, emoji, order });
  }

  private async deliver(w: WriteContext, view: AccessView, to: ReadonlyMap<string, InboxKind>, news: News): Promise<void> {
    const { store } = this.d;
    const byKind = new Map<InboxKind, string[]>();
    for (const [userId, kind] of to) {
      if (userId === news.actorId || !view.canSeeRoom(userId, news.roomId)) continue;
      const users = byKind.get(kind);
      if (users) users.push(userId);
      else byKind.set(kind, [userId]);
    }
    // Kinds switched off, and news from someone the user blocks, stay out: one lookup per kind, not per user.
    const declining = new Set<string>();
    for (const [kind, users] of byKind) for (const u of await store.inbox.declining(users, kind, news.actorId)) declining.add(u);
    for (const [userId, kind] of to) {
      if (userId === news.actorId || declining.has(userId) || !view.canSeeRoom(userId, news.roomId)) continue;
      const id = this.d.newId();
      await store.inbox.insert({ id, userId, kind, ...news, createdAt: w.now });
      w.emit({ type: 'inbox.item', roomId: null, actorId: news.actorId, targetUserId: userId }, { itemId: id, kind });
    }
  }

  async list(userId: string, p: ParsedParams<'inbox.list'>): Promise<{ items: InboxItem[]; unread: number; end: boolean; settings: InboxSettings }> {
    const { store, access } = this.d;
    const rooms = visibleRooms(await access.view(), userId);
    const limit = p.limit ?? PAGE;
    const rows = await store.inbox.list(userId, rooms, { before: p.before ?? Number.MAX_SAFE_INTEGER, limit: limit + 1, unreadOnly: p.unreadOnly === true });
    return { items: rows.slice(0, limit), unread: await store.inbox.unread(userId, rooms), end: rows.length <= limit, settings: await store.inbox.settings(userId) };
  }

  /** Mark items read (these ids, or all); the user's other sessions are told. Answers the unread count left. */
  read(userId: string, p: ParsedParams<'inbox.read'>): Promise<{ unread: number }> {
    const { store, access, queue } = this.d;
    if ((p.ids === undefined) === (p.all === undefined)) {
      return Promise.reject(new ProtocolError('BAD_REQUEST', 'give either ids or all: true'));
    }
    return queue.submit(async (w) => {
      if (p.ids !== undefined) {
        // Ids that are not the user's, or already read, change nothing and are not echoed.
        const ids = await store.inbox.markRead(userId, p.ids);
        if (ids.length) w.emit({ type: 'inbox.read', roomId: null, actorId: userId, targetUserId: userId }, { ids, all: false, through: 0 });
      } else {
        let through = 0;
        w.emit({ type: 'inbox.read', roomId: null, actorId: userId, targetUserId: userId }, (order: number) => {
          through = order;
          return { ids: [], all: true, through };
        });
        await store.inbox.markAllRead(userId, through);
      }
      return { unread: await store.inbox.unread(userId, visibleRooms(await access.view(), userId)) };
    });
  }

  settings(userId: string, p: ParsedParams<'inbox.settings'>): Promise<{ settings: InboxSettings }> {
    const { store, queue } = this.d;
    return queue.submit(async (w) => {
      const before = await store.inbox.settings(userId);
      const settings: InboxSettings = { ...before };
      for (const k of Object.keys(before) as InboxKind[]) if (p[k] !== undefined) settings[k] = p[k];
      if (Object.keys(before).some((k) => before[k as InboxKind] !== settings[k as InboxKind])) {
        await store.inbox.setSettings(userId, settings);
        w.emit({ type: 'inbox.settings.changed', roomId: null, actorId: userId, targetUserId: userId }, { settings });
      }
      return { settings };
    });
  }
}
