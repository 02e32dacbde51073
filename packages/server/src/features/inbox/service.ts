import type { InboxItem, InboxKind, InboxSettings, ParsedParams, Post } from '@open-discord/protocol';
import { ProtocolError } from '@open-discord/protocol';
import type { AccessView } from '../../core/access.js';
import type { WriteContext } from '../../core/commit-queue.js';
import type { ServiceDeps } from '../../core/deps.js';
import type { MessageRow } from '../messages/repository.js';
import type { FanoutAudience, FanoutJob } from './repository.js';

const PAGE = 30;

/** Where news happened: the message it is about and who did it. */
interface News {
  roomId: string;
  messageId: string;
  threadId: string | null;
  actorId: string;
  emoji: string | null;
  order: number;
  createdAt: number;
}

/** The rooms the user can see now: every inbox read is limited to these. */
function visibleRooms(view: AccessView, userId: string): string[] {
  const out: string[] = [];
  for (const r of view.allRooms()) if (view.canSeeRoom(userId, r.id)) out.push(r.id);
  return out;
}

/**
 * The notification inbox. Items for a few people are written in the step of the news itself (a mention, a
 * reply to one's message or post, a reaction to one's post); news with an audience that may be large (a post
 * read by its author's followers, a comment read by its post's followers) is queued in that step as a durable
 * fan-out job instead, and its items are written after the commit, a chunk of the audience per step of its
 * own: the author's write is acknowledged without waiting for a thousand inboxes, and a job and each chunk's
 * items commit together, so after a crash the fan-out resumes where it stopped and nobody gets an item twice.
 * Items go to users who can see the room when they are written and have the kind switched on; each is
 * announced to its user by an event that names the item only. Reads list and count items of the rooms the
 * user sees now, so an item from a room they lost access to is neither shown nor counted.
 */
export class InboxService {
  constructor(
    private readonly d: ServiceDeps,
    /**
     * Users one fan-out step writes items for. A step holds the write lock: a few hundred items and their
     * events keep it to a few milliseconds, so live writes interleave with a post read by thousands.
     */
    private readonly chunkSize: number,
  ) {}

  /**
   * A message was written (in its step). Plain messages that mention nobody return at once: the send path
   * of ordinary chat pays nothing for the inbox. The post's author (a reply) and those mentioned get their
   * items now; the post's other followers through a fan-out job.
   */
  async messageCreated(w: WriteContext, view: AccessView, row: MessageRow, root: MessageRow | null, mentioned: readonly string[]): Promise<void> {
    if (root === null && mentioned.length === 0) return;
    // One item per user and message, the most specific kind winning: mention, then reply, then comment.
    const to = new Map<string, InboxKind>();
    if (root !== null) to.set(root.authorId, 'reply');
    for (const userId of mentioned) to.set(userId, 'mention');
    const news = { roomId: row.roomId, messageId: row.id, threadId: root?.id ?? null, actorId: row.authorId, emoji: null, order: row.order, createdAt: w.now };
    await this.deliver(w, view, to, news);
    if (root !== null && (await this.d.store.forum.post(root.id))) {
      // A job only when someone else follows the thread: a comment among two people costs no second step.
      const others = (await this.d.store.threads.followers(root.id)).some((f) => f.following && !f.muted && f.userId !== row.authorId && !to.has(f.userId));
      if (others) await this.queue(w, 'thread-followers', 'comment', news, [...to.keys()]);
    }
  }

  /** A post was written (in its step): the people following its author hear of it, through a fan-out job. */
  async postCreated(w: WriteContext, _view: AccessView, post: Post): Promise<void> {
    if ((await this.d.store.forum.followers(post.authorId)).length === 0) return;
    await this.queue(w, 'author-followers', 'post', { roomId: post.roomId, messageId: post.id, threadId: null, actorId: post.authorId, emoji: null, order: post.order, createdAt: w.now }, []);
  }

  /** A reaction was added (in its step): the author of a post or comment on a board hears of it. */
  async reacted(w: WriteContext, view: AccessView, row: MessageRow, userId: string, emoji: string, order: number): Promise<void> {
    if (row.authorId === userId || view.room(row.roomId)?.kind !== 'forum') return;
    const to = new Map<string, InboxKind>([[row.authorId, 'reaction']]);
    await this.deliver(w, view, to, { roomId: row.roomId, messageId: row.id, threadId: row.threadId ?? null, actorId: userId, emoji, order, createdAt: w.now });
  }

  /** A reaction was taken back (in its step): its item leaves the author's inbox, and their count with it. */
  async unreacted(w: WriteContext, row: MessageRow, userId: string, emoji: string): Promise<void> {
    const ids = await this.d.store.inbox.removeReaction(row.authorId, row.id, userId, emoji);
    if (ids.length) w.emit({ type: 'inbox.removed', roomId: null, actorId: userId, targetUserId: row.authorId }, { ids });
  }

  private async queue(w: WriteContext, audience: FanoutAudience, kind: InboxKind, news: News, skip: string[]): Promise<void> {
    const { emoji: _, ...job } = news;
    await this.d.store.inbox.queueFanout({ audience, kind, ...job, skip });
    w.afterCommit(() => this.kickFanout());
  }

  // The fan-out driver: one loop at a time, a commit-queue step per chunk.
  private draining: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  /** Write the items of waiting fan-out jobs (after a news' commit, at start, when another process wrote news). */
  kickFanout(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = this.drain().finally(() => {
      this.draining = null;
      if (this.again) {
        this.again = false;
        this.kickFanout();
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (!this.stopped && (await this.d.queue.submit((w) => this.fanoutStep(w)))) {
        // Each chunk is its own step: other writes go between them.
      }
    } catch (error) {
      // A full disk or a closing store: the job stays queued and the next news, or the next start, resumes it.
      if (!this.stopped) this.d.log({ level: 'warn', msg: 'inbox fan-out failed', error: error instanceof Error ? error.message : String(error) });
    }
  }

  /** Resolves once no fan-out is running (tests and benchmarks wait for the items this way). */
  async fanoutSettled(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** Stop fanning out (the server is closing): the chunk in flight finishes; queued jobs wait for the next start. */
  async stopFanout(): Promise<void> {
    this.stopped = true;
    await this.fanoutSettled();
  }

  /** One chunk of the oldest job (in a step of its own). Answers whether a job still waits. */
  private async fanoutStep(w: WriteContext): Promise<boolean> {
    const { store, access } = this.d;
    const job = await store.inbox.nextFanout();
    if (!job) return false;
    const message = await store.messages.get(job.messageId);
    if (!message || message.deleted) {
      // Deleted before its news went out: nobody is told of it.
      await store.inbox.finishFanout(job.seq);
    } else {
      const audience = (await this.audience(job)).filter((u) => u > job.cursor).sort();
      const chunk = audience.slice(0, this.chunkSize);
      // A follower mentioned, or the post's author replied to, was dealt with in the news' own step.
      const skip = new Set(job.skip);
      const to = new Map<string, InboxKind>();
      for (const u of chunk) if (!skip.has(u)) to.set(u, job.kind);
      const { seq: _s, audience: _a, kind: _k, cursor: _c, skip: _k2, ...news } = job;
      await this.deliver(w, await access.view(), to, { ...news, emoji: null });
      if (audience.length > chunk.length) await store.inbox.advanceFanout(job.seq, chunk[chunk.length - 1]!);
      else await store.inbox.finishFanout(job.seq);
    }
    return (await store.inbox.nextFanout()) !== null;
  }

  /** A job's audience as it is now (who follows now, and is not its actor). */
  private async audience(job: FanoutJob): Promise<string[]> {
    const { store } = this.d;
    if (job.audience === 'author-followers') return store.forum.followers(job.actorId);
    if (job.threadId === null) return [];
    return (await store.threads.followers(job.threadId)).filter((f) => f.following && !f.muted).map((f) => f.userId);
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
      await store.inbox.insert({ id, userId, kind, ...news });
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
