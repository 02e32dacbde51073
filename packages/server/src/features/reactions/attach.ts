import type { Message } from '@open-discord/protocol';
import type { Repositories } from '../../ports/storage.js';

/** Wire messages with their stored reactions attached (history pages carry them; events never do). */
export async function withReactions(store: Pick<Repositories, 'reactions'>, messages: Message[]): Promise<Message[]> {
  if (messages.length === 0) return messages;
  const byId = await store.reactions.ofMessages(messages.map((m) => m.id));
  if (byId.size === 0) return messages;
  return messages.map((m) => {
    const reactions = byId.get(m.id);
    return reactions ? { ...m, reactions } : m;
  });
}
