import { emojiProblem, type ParsedParams, ProtocolError, MAX_REACTIONS_PER_MESSAGE, resolveEmoji } from '@open-discord/protocol';
import type { AccessView } from '../../core/access.js';
import type { WriteContext } from '../../core/commit-queue.js';
import type { ServiceDeps } from '../../core/deps.js';
import type { Awaitable } from '../../ports/awaitable.js';
import type { MessageRow } from '../messages/repository.js';

/** The same answer for a message that does not exist, was deleted, or sits in a room the user cannot see. */
const messageNotFound = () => new ProtocolError('NOT_FOUND', 'message not found');

/**
 * Emoji reactions: a set per (message, user, emoji). Only members of the message's room react; a message the
 * user cannot see answers exactly like a missing one. A no-op (adding what is there, removing what is not)
 * writes no event.
 */
export class ReactionsService {
  constructor(private readonly d: ServiceDeps) {}

  /** Run in a reaction's step once `reaction.added` is written (the inbox tells a post's author). */
  readonly addedHooks: Array<(w: WriteContext, view: AccessView, row: MessageRow, userId: string, emoji: string, order: number) => Awaitable<void>> = [];
  /** Run in a reaction's step once `reaction.removed` is written (the inbox takes its item back). */
  readonly removedHooks: Array<(w: WriteContext, row: MessageRow, userId: string, emoji: string) => Awaitable<void>> = [];

  add(userId: string, p: ParsedParams<'reaction.add'>): Promise<{ ok: true }> {
    return this.change(userId, p, true);
  }

  remove(userId: string, p: ParsedParams<'reaction.remove'>): Promise<{ ok: true }> {
    return this.change(userId, p, false);
  }

  private change(userId: string, p: { messageId: string; emoji: string }, on: boolean): Promise<{ ok: true }> {
    const { store, access, queue } = this.d;
    // Bots and od agree on shortcodes: the emoji itself is what is stored and sent.
    const emoji = resolveEmoji(p.emoji);
    const problem = emojiProblem(emoji);
    if (problem) return Promise.reject(new ProtocolError('BAD_REQUEST', problem));
    return queue.submit(async (w) => {
      const row = await store.messages.get(p.messageId);
      // The visibility check runs whether or not the row exists, then one answer for missing, deleted and
      // hidden, so neither the error nor the timing tells them apart.
      const view = await access.view();
      const visible = view.canSeeRoom(userId, row?.roomId ?? p.messageId);
      if (!row || row.deleted || !visible) throw messageNotFound();
      if (!view.isMember(userId, row.roomId)) throw new ProtocolError('FORBIDDEN', 'you are not in this room; join it first');
      if ((await store.reactions.has(row.id, userId, emoji)) === on) return { ok: true as const };
      if (on) {
        const { distinct, present } = await store.reactions.emojiOn(row.id, emoji);
        if (!present && distinct >= MAX_REACTIONS_PER_MESSAGE) {
          throw new ProtocolError('BAD_REQUEST', `a message has at most ${MAX_REACTIONS_PER_MESSAGE} different reactions`);
        }
        await store.reactions.add(row.id, userId, emoji, w.now);
      } else {
        await store.reactions.remove(row.id, userId, emoji);
      }
      const data = { messageId: row.id, roomId: row.roomId, emoji, userId };
      const ev = w.emit({ type: on ? 'reaction.added' : 'reaction.removed', roomId: row.roomId, actorId: userId }, data);
      if (on) for (const hook of this.addedHooks) await hook(w, view, row, userId, emoji, ev.order);
      else for (const hook of this.removedHooks) await hook(w, row, userId, emoji);
      return { ok: true as const };
    });
  }
}
