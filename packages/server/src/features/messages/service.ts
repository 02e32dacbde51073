import type { Message, ParsedParams } from '@open-discord/protocol';
import { broadcastMention, highlightKey, LIMITS, messageWords, ProtocolError } from '@open-discord/protocol';
import { nameKey } from '../../text/name-key.js';
import type { AccessView } from '../../core/access.js';
import type { WriteContext } from '../../core/commit-queue.js';
import type { Awaitable } from '../../ports/awaitable.js';
import type { ServiceDeps } from '../../core/deps.js';
import { withReactions } from '../reactions/attach.js';
import { attachmentsOf } from '../files/attach.js';
import { refuseIfBlocked } from '../blocks/rules.js';
import { roomNotFound } from '../rooms/errors.js';
import type { ThreadsService } from '../threads/service.js';
import type { MessageRow } from './repository.js';
import { encode } from '../../wire/encode.js';
import type { Json, ResultOf } from '../../wire/types.js';
import type { SlowmodeCache } from './slowmode.js';
import { messageToWire } from './wire.js';

const MAX_MENTIONS = 50;

/** Who a message highlights: by nickname (public, in `message.mentions`) and by private highlight word. */
interface Highlights {
  mentions: string[];
  /** Matched a private highlight word only: counted for them, never listed in the message. */
  private: string[];
  /**
   * Highlighted by name or private word, not by `@room`/`@here`: the inbox's mentions (a broadcast to a
   * whole room is no personal news, and would write an item for every member in the send's step).
   */
  personal: string[];
}
const NONE: Highlights = { mentions: [], private: [], personal: [] };

/**
 * Words' nickname keys, remembered: the key (NFKC, confusables skeleton, case) costs tens of microseconds a
 * word, and chat repeats its words, so a bounded cache keeps highlight detection off the send path's cost.
 */
const WORD_KEYS = new Map<string, string>();
const WORD_KEYS_MAX = 20_000;
function wordKey(word: string): string {
  let key = WORD_KEYS.get(word);
  if (key === undefined) {
    if (WORD_KEYS.size >= WORD_KEYS_MAX) WORD_KEYS.clear();
    key = nameKey(word);
    WORD_KEYS.set(word, key);
  }
  return key;
}

/** Sending messages (idempotent by nonce) and reading a room's history. */
export class MessagesService {
  /** Presence, for `@here`: the server sets it from the hub; without one (the command line) nobody is online. */
  isOnline: (userId: string) => boolean = () => false;
  /**
   * Rules other features add to the send path, checked in the send's step before anything is written (the
   * forum's: a board takes comments on its posts only, and a locked post none). Empty for plain rooms' cost.
   */
  readonly sendChecks: Array<(view: AccessView, roomId: string, root: MessageRow | null, userId: string) => Awaitable<void>> = [];
  /** Run in a reply's step once it is written (the forum keeps its post's latest activity). */
  readonly replyHooks: Array<(root: MessageRow, reply: MessageRow) => Awaitable<void>> = [];
  /** Run in every message's step once it is written, with whom it highlights personally (the inbox's items). */
  readonly createdHooks: Array<(w: WriteContext, view: AccessView, row: MessageRow, root: MessageRow | null, mentioned: readonly string[]) => Awaitable<void>> = [];

  constructor(
    private readonly d: ServiceDeps,
    private readonly threads: ThreadsService,
    /** Every room's slowmode, kept from the events (slowmode.ts). */
    private readonly slowmodes: SlowmodeCache,
  ) {}

  send(userId: string, p: ParsedParams<'message.send'>): Promise<{ message: Message }> {
    return this.write(userId, p).then((r) => ({ message: r.message }));
  }

  /**
   * `send` for the wire: the reply's result as JSON text. A new message's reply is exactly its event's
   * payload (`{"message":…}`), so the text serialised for the event log is reused instead of building and
   * serialising the message a second time.
   */
  sendJson(userId: string, p: ParsedParams<'message.send'>): Promise<Json<ResultOf<'message.send'>>> {
    return this.write(userId, p).then((r) => r.json);
  }

  private write(userId: string, p: ParsedParams<'message.send'>): Promise<{ message: Message; json: Json<ResultOf<'message.send'>> }> {
    const { store, access, queue } = this.d;
    const text = p.text.trimEnd();
    if (text.length === 0 && !p.attachments) return Promise.reject(new ProtocolError('BAD_REQUEST', 'message is empty'));
    if (p.alsoInRoom !== undefined && p.threadId === undefined) {
      return Promise.reject(new ProtocolError('BAD_REQUEST', 'alsoInRoom is for thread replies (with threadId)'));
    }
    return queue.submit(async (w) => {
      // A retry (same author and nonce) returns the original and writes nothing.
      const existing = await store.messages.byNonce(userId, p.nonce);
      const view = await access.view();
      if (existing) {
        // Only what the sender may see now: a room hidden since answers like any hidden (or missing) room.
        if (!view.canSeeRoom(userId, existing.roomId)) throw roomNotFound();
        const message = messageToWire(existing);
        return { message, json: encode({ message }) };
      }
      if (!view.canSeeRoom(userId, p.roomId)) throw roomNotFound();
      // IRC's "cannot send to channel": only members speak in a room (a viewer joins first).
      if (!view.isMember(userId, p.roomId)) throw new ProtocolError('FORBIDDEN', 'you are not in this room; join it first');
      await this.slowmode(view, userId, p.roomId, w.now);
      // A direct chat is closed both ways while either side blocks the other (only chats pay for the lookup).
      const ra = view.room(p.roomId);
      if (ra?.kind === 'dm') for (const other of ra.members ?? []) if (other !== userId) await refuseIfBlocked(store, userId, other);
      const attachments = p.attachments ? await attachmentsOf(store, userId, p.attachments) : [];
      // A reply goes to its thread's root (a reply to a reply, to that reply's root).
      const root = p.threadId === undefined ? null : await this.threads.rootFor(p.roomId, p.threadId);
      for (const check of this.sendChecks) await check(view, p.roomId, root, userId);
      const hl = await this.highlights(view, text, p.roomId, userId);
      const mentions = hl.mentions;
      if (root) await this.threads.beforeReply(w, view, root, userId, [...mentions, ...hl.private]);
      const thread = root ? { threadId: root.id, alsoInRoom: p.alsoInRoom === true } : {};
      const base = { id: this.d.newId(), roomId: p.roomId, authorId: userId, text, nonce: p.nonce, ...thread };
      let row: MessageRow | null = null;
      let message: Message | null = null;
      const ev = w.emit({ type: 'message.created', roomId: p.roomId, actorId: userId }, (order: number) => {
        row = { ...base, action: p.action === true, mentions, order, createdAt: w.now, editedAt: null, deleted: false, attachments };
        message = messageToWire(row);
        return { message };
      });
      await store.messages.insert(row!, hl.private);
      if (attachments.length) await store.files.link(base.id, attachments.map((a) => a.id));
      if (root) await this.threads.afterReply(root, row!, [...mentions, ...hl.private]);
      if (root) for (const hook of this.replyHooks) await hook(root, row!);
      for (const hook of this.createdHooks) await hook(w, view, row!, root, hl.personal);
      return { message: message!, json: ev.dataJson };
    });
  }

  /**
   * Slowmode: a member's next message in the room waits `slowmodeSec` after their last one; those who may
   * moderate messages are exempt. Costs a map lookup per message; a slowed room reads the sender's last one.
   */
  private async slowmode(view: AccessView, userId: string, roomId: string, now: number): Promise<void> {
    const seconds = this.slowmodes.of(roomId);
    if (seconds === 0 || view.hasPermission(userId, 'moderate_messages')) return;
    const last = await this.d.store.messages.lastSentAt(userId, roomId);
    if (last === null) return;
    const wait = last + seconds * 1000 - now;
    if (wait > 0) throw new ProtocolError('RATE_LIMITED', `slowmode: one message every ${seconds} s in this room`, wait);
  }

  /**
   * IRC-style highlights, computed here so every client's counts agree: a user is mentioned when the
   * message contains their nickname as a word (`@carol`, `carol: hi`, `carol, hi`, `thanks carol`), by the
   * nickname key (case and look-alikes folded), or one of their private highlight words. Only users who can
   * see the room, never the author. The message is split into words once (one regex for the message, none
   * per user) and looked up with two indexed queries; a message without words costs nothing more.
   */
  private async highlights(view: AccessView, text: string, roomId: string, authorId: string): Promise<Highlights> {
    const words = messageWords(text);
    if (words.length === 0) return NONE;
    const { store } = this.d;
    const nickKeys = new Set<string>();
    for (const w of words) {
      const n = [...w].length;
      if (n >= LIMITS.nicknameMin && n <= LIMITS.nicknameMax) nickKeys.add(wordKey(w));
    }
    const seen = new Set<string>([authorId]);
    const mentions: string[] = [];
    for (const id of await store.users.idsByNicknameKeys([...nickKeys])) {
      if (mentions.length >= MAX_MENTIONS) break;
      if (!seen.has(id) && view.canSeeRoom(id, roomId) && view.isMember(id, roomId)) mentions.push(id);
      seen.add(id);
    }
    // @room / @here: everyone in the room (online now, for @here) who can still see it, from a sender with
    // mention_everyone only; otherwise the message goes out and mentions nobody by it. Listed publicly, so
    // every client counts them exactly as the server does; not capped, since reaching all is the point.
    const named = mentions.length;
    const broadcast = broadcastMention(text);
    if (broadcast && view.hasPermission(authorId, 'mention_everyone')) {
      for (const id of view.room(roomId)?.joined ?? []) {
        if (seen.has(id) || !view.canSeeRoom(id, roomId) || (broadcast === 'here' && !this.isOnline(id))) continue;
        mentions.push(id);
        seen.add(id);
      }
    }
    const hidden: string[] = [];
    for (const id of await store.users.idsByHighlightKeys([...new Set(words.map(highlightKey))])) {
      if (hidden.length >= MAX_MENTIONS) break;
      if (!seen.has(id) && view.canSeeRoom(id, roomId) && view.isMember(id, roomId)) hidden.push(id);
      seen.add(id);
    }
    return mentions.length || hidden.length ? { mentions, private: hidden, personal: [...mentions.slice(0, named), ...hidden] } : NONE;
  }

  /** A page of history, newest page first; `end` once the room's first message is included. */
  async history(userId: string, p: ParsedParams<'history'>): Promise<{ messages: Message[]; end: boolean }> {
    if (!(await this.d.access.view()).canSeeRoom(userId, p.roomId)) throw roomNotFound();
    const limit = p.limit ?? 50;
    const rows = await this.d.store.messages.before(p.roomId, p.before ?? Number.MAX_SAFE_INTEGER, limit + 1);
    const end = rows.length <= limit;
    return { messages: await withReactions(this.d.store, rows.slice(0, limit).reverse().map(messageToWire)), end };
  }
}
