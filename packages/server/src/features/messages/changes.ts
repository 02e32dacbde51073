import type { Message, ParsedParams } from '@open-discord/protocol';
import { ProtocolError } from '@open-discord/protocol';
import { type Actor, holds } from '../../core/authority.js';
import type { WriteContext } from '../../core/commit-queue.js';
import type { ServiceDeps } from '../../core/deps.js';
import type { Awaitable } from '../../ports/awaitable.js';
import type { ThreadsService } from '../threads/service.js';
import type { MessageRow } from './repository.js';
import { messageToWire } from './wire.js';

/** The same answer for a message that does not exist, was deleted, or sits in a room the user cannot see. */
const messageNotFound = () => new ProtocolError('NOT_FOUND', 'message not found');

/** Editing (author only) and deleting (author, or moderate_messages) messages. */
export class MessageChangesService {
  /** Run in an edit's step after its `message.edited` (the forum parses a post's hashtags again). */
  readonly editHooks: Array<(w: WriteContext, before: MessageRow, text: string, actorId: string) => Awaitable<void>> = [];

  constructor(
    private readonly d: ServiceDeps,
    private readonly threads: ThreadsService,
  ) {}

  private async find(actor: Actor, messageId: string): Promise<MessageRow> {
    const row = await this.d.store.messages.get(messageId);
    // One path for missing, deleted and hidden messages: the visibility check (which may load the access
    // index) runs whether or not the row exists, then one answer, so timing does not tell them apart.
    const visible = actor === null || (await this.d.access.view()).canSeeRoom(actor, row?.roomId ?? messageId);
    if (!row || row.deleted || !visible) throw messageNotFound();
    return row;
  }

  edit(userId: string, p: ParsedParams<'message.edit'>): Promise<{ message: Message }> {
    const { store, queue } = this.d;
    const text = p.text.trimEnd();
    if (text.length === 0) return Promise.reject(new ProtocolError('BAD_REQUEST', 'message is empty; delete it instead'));
    return queue.submit(async (w) => {
      const row = await this.find(userId, p.messageId);
      if (row.authorId !== userId) throw new ProtocolError('FORBIDDEN', 'you can only edit your own messages');
      if (row.text === text) return { message: messageToWire(row) };
      await store.messages.edit(row.id, text, w.now);
      const message = messageToWire({ ...row, text, editedAt: w.now });
      w.emit({ type: 'message.edited', roomId: row.roomId, actorId: userId }, { message });
      for (const hook of this.editHooks) await hook(w, row, text, userId);
      return { message };
    });
  }

  /**
   * Delete a message: its text leaves the projection AND the log — the events that carried it (created,
   * edited) keep their order and type but lose the text, so a client syncing later never receives it.
   */
  delete(actor: Actor, p: ParsedParams<'message.delete'>): Promise<{ ok: true }> {
    const { store, access, queue } = this.d;
    return queue.submit(async (w) => {
      const row = await this.find(actor, p.messageId);
      if (row.authorId !== actor && !holds(await access.view(), actor, 'moderate_messages')) {
        throw new ProtocolError('FORBIDDEN', "you need the moderate_messages permission to delete others' messages");
      }
      await store.messages.markDeleted(row.id);
      await store.reactions.removeAll(row.id);
      // The text and files go; who was mentioned stays, so a client replaying the log counts the mention it
      // was told of (a later `read.unmarked` carries counts that included it) and takes it off again here.
      const blank = messageToWire({ ...row, text: '', attachments: [] });
      await store.events.rewrite(row.order, 'message.created', { message: blank });
      for (const order of await store.events.editsOf(row.roomId, row.order, row.id)) {
        await store.events.rewrite(order, 'message.edited', { message: blank });
      }
      w.emit({ type: 'message.deleted', roomId: row.roomId, actorId: actor }, { messageId: row.id, roomId: row.roomId });
      // A moderator (or the operator) deleting someone else's message is a privileged action: audited in this step.
      if (row.authorId !== actor) {
        await w.audit({ actorId: actor, action: 'message.delete', targetUserId: row.authorId, roomId: row.roomId, detail: { messageId: row.id } });
      }
      // A deleted reply leaves its root's count: the summary is recounted in this step.
      await this.threads.replyDeleted(w, row, actor);
      return { ok: true as const };
    });
  }
}
