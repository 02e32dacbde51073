import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { Id, Message, Order } from '../model.js';
import { textProblem } from '../text.js';
import { ev } from './envelope.js';
import { Ok, req } from './request.js';
import { rule } from './text-fields.js';

// Sending (idempotent by nonce), history, editing and deleting messages.

export const events = [
  ev('message.created', z.object({ message: Message })),
  ev('message.edited', z.object({ message: Message })),
  ev('message.deleted', z.object({ messageId: Id, roomId: Id })),
] as const;

const messageText = z.string().min(1).max(LIMITS.maxMessageLength).superRefine(rule(textProblem));
/** A message with attachments may have no text (a bare upload). */
const sendText = z.string().max(LIMITS.maxMessageLength).superRefine(rule(textProblem));

/** A message says something: text, or at least one attachment. */
function withText<T extends { params: z.ZodObject<{ text: z.ZodType<string>; attachments: z.ZodOptional<z.ZodArray<typeof Id>> }> }>(r: T): T {
  return {
    ...r,
    params: r.params.superRefine((p, ctx) => {
      if (p.text === '' && !p.attachments) ctx.addIssue({ code: 'custom', path: ['text'], message: 'message is empty' });
    }),
  };
}

export const requests = {
  /** A room's messages, newest page first: returns up to `limit` messages with order < `before`, ascending. */
  history: req(
    {
      roomId: Id,
      before: Order.optional(),
      limit: z.number().int().min(1).max(LIMITS.historyMaxLimit).optional(),
    },
    z.object({
      messages: z.array(Message),
      /** True when the first message of the room is included (nothing older exists). */
      end: z.boolean(),
    }),
  ),
  'message.send': withText(req(
    {
      roomId: Id,
      text: sendText,
      /** Client-chosen idempotency key: a retried send with the same nonce returns the original message. */
      nonce: z.string().min(1).max(LIMITS.nonceMax),
      action: z.boolean().optional(),
      /** Files the sender uploaded (`POST /api/files`); the text may be empty when there is one. */
      attachments: z.array(Id).min(1).max(LIMITS.attachmentsMax).optional(),
      /** Reply in the thread of this message (a reply to a reply goes to its root). */
      threadId: Id.optional(),
      /** With `threadId`: show the reply in the room too. */
      alsoInRoom: z.boolean().optional(),
    },
    z.object({ message: Message }),
  )),
  'message.edit': req(
    { messageId: Id, text: messageText },
    z.object({ message: Message }),
  ),
  'message.delete': req({ messageId: Id }, Ok),
} as const;
