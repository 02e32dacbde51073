import type { Message, ParsedParams } from '@open-discord/protocol';
import { ProtocolError } from '@open-discord/protocol';
import type { ServiceDeps } from '../../core/deps.js';
import { roomNotFound } from '../rooms/errors.js';
import type { MessageRow } from './repository.js';
import { encode } from '../../wire/encode.js';
import type { Json, ResultOf } from '../../wire/types.js';
import { messageToWire } from './wire.js';

const MENTION_RE = /(?<![\p{L}\p{N}_.-])@([\p{L}\p{N}_.-]+)/gu;
const MAX_MENTIONS = 50;

/** Sending messages (idempotent by nonce) and reading a room's history. */
export class MessagesService {
  constructor(private readonly d: ServiceDeps) {}

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
    if (text.length === 0) return Promise.reject(new ProtocolError('BAD_REQUEST', 'message is empty'));
    return queue.submit((w) => {
      // A retry (same author and nonce) returns the original and writes nothing.
      const existing = store.messages.byNonce(userId, p.nonce);
      if (existing) {
        // Only what the sender may see now: a room hidden since answers like any hidden (or missing) room.
        if (!access.canSeeRoom(userId, existing.roomId)) throw roomNotFound();
        const message = messageToWire(existing);
        return { message, json: encode({ message }) };
      }
      if (!access.canSeeRoom(userId, p.roomId)) throw roomNotFound();
      const mentions = this.mentions(text, p.roomId);
      const base = { id: this.d.newId(), roomId: p.roomId, authorId: userId, text, nonce: p.nonce };
      let row: MessageRow | null = null;
      let message: Message | null = null;
      const ev = w.emit({ type: 'message.created', roomId: p.roomId, actorId: userId }, (order: number) => {
        row = { ...base, action: p.action === true, mentions, order, createdAt: w.now, editedAt: null, deleted: false };
        message = messageToWire(row);
        return { message };
      });
      store.messages.insert(row!);
      return { message: message!, json: ev.dataJson };
    });
  }

  /** Users named with @nickname who can see the room (others are not notified). */
  private mentions(text: string, roomId: string): string[] {
    if (!text.includes('@')) return []; // most messages: skip the Unicode regex
    const ids = new Set<string>();
    for (const m of text.matchAll(MENTION_RE)) {
      // A trailing '.' or '-' is usually punctuation, not part of the nickname.
      const candidates = [m[1]!, m[1]!.replace(/[.-]+$/, '')];
      for (const nick of candidates) {
        const id = this.d.store.users.idByNickname(nick);
        if (id && this.d.access.canSeeRoom(id, roomId)) {
          ids.add(id);
          break;
        }
      }
      if (ids.size >= MAX_MENTIONS) break;
    }
    return [...ids];
  }

  /** A page of history, newest page first; `end` once the room's first message is included. */
  history(userId: string, p: ParsedParams<'history'>): { messages: Message[]; end: boolean } {
    if (!this.d.access.canSeeRoom(userId, p.roomId)) throw roomNotFound();
    const limit = p.limit ?? 50;
    const rows = this.d.store.messages.before(p.roomId, p.before ?? Number.MAX_SAFE_INTEGER, limit + 1);
    const end = rows.length <= limit;
    return { messages: rows.slice(0, limit).reverse().map(messageToWire), end };
  }
}
