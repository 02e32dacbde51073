import type { Reaction } from '@open-discord/protocol';
import type { Awaitable } from '../../ports/awaitable.js';

/** Reactions on messages, a set keyed by (message, user, emoji): the reactions feature's storage. */
export interface ReactionsRepository {
  has(messageId: string, userId: string, emoji: string): Awaitable<boolean>;
  /** How many distinct emoji the message carries, and whether `emoji` is one of them. */
  emojiOn(messageId: string, emoji: string): Awaitable<{ distinct: number; present: boolean }>;
  add(messageId: string, userId: string, emoji: string, createdAt: number): Awaitable<void>;
  remove(messageId: string, userId: string, emoji: string): Awaitable<void>;
  /** Per message id (only those that have any): emoji in the order first added, users in the order they reacted. */
  ofMessages(messageIds: readonly string[]): Awaitable<Map<string, Reaction[]>>;
  /** A deleted message takes its reactions with it. */
  removeAll(messageId: string): Awaitable<void>;
}
