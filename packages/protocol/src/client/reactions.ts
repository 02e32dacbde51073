import type { Message, Reaction } from '../model.js';

/*
 * A message's reactions as the World keeps them: a set per emoji, emoji in the order first added, users in
 * the order they reacted. Adding what is there or removing what is not returns the same message (identity
 * kept), so a replayed event changes nothing.
 */

/** The message with `userId`'s `emoji` added (on) or removed (off). */
export function withReaction(m: Message, emoji: string, userId: string, on: boolean): Message {
  const list = m.reactions ?? [];
  const at = list.findIndex((r) => r.emoji === emoji);
  const cur = at >= 0 ? list[at]! : null;
  if (on === (cur?.userIds.includes(userId) ?? false)) return m;
  let next: Reaction[];
  if (on) {
    next = cur ? list.map((r, i) => (i === at ? { emoji, userIds: [...r.userIds, userId] } : r)) : [...list, { emoji, userIds: [userId] }];
  } else {
    const userIds = cur!.userIds.filter((u) => u !== userId);
    next = userIds.length ? list.map((r, i) => (i === at ? { emoji, userIds } : r)) : list.filter((_, i) => i !== at);
  }
  if (next.length) return { ...m, reactions: next };
  const { reactions: _gone, ...rest } = m;
  return rest;
}

/** Has `userId` reacted to the message with `emoji`? (A client's toggle sends remove when so, add when not.) */
export const hasReacted = (m: Pick<Message, 'reactions'>, emoji: string, userId: string): boolean =>
  m.reactions?.some((r) => r.emoji === emoji && r.userIds.includes(userId)) === true;
