import type { Message } from '@open-discord/protocol';
import type { MessageRow } from './repository.js';

/** The wire shape of a stored message: optional fields only when set. */
export function messageToWire(m: MessageRow): Message {
  const out: Message = { id: m.id, roomId: m.roomId, authorId: m.authorId, text: m.text, createdAt: m.createdAt, order: m.order };
  if (m.nonce !== null) out.nonce = m.nonce;
  if (m.editedAt !== null) out.editedAt = m.editedAt;
  if (m.action) out.action = true;
  if (m.mentions.length) out.mentions = m.mentions;
  if (m.attachments?.length) out.attachments = m.attachments;
  if (m.threadId) out.threadId = m.threadId;
  if (m.alsoInRoom) out.alsoInRoom = true;
  if (m.thread) out.thread = m.thread;
  return out;
}
