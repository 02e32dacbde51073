import type { Awaitable } from '../../ports/awaitable.js';

/**
 * Direct chats by member set: the conversations feature's storage (the chats themselves are rooms, their
 * members the rooms feature's members). The key is unique, so a pair can never get two chats.
 */
export interface ConversationsRepository {
  /** The direct chat of this member set (`dmKey`), if one was opened. */
  dmRoom(key: string): Awaitable<string | null>;
  /** Point the member set at this room (a chat gone for good is replaced by a new one). */
  setDmRoom(key: string, roomId: string): Awaitable<void>;
  /** A group's admins (its creator is made one when it is created). */
  admins(roomId: string): Awaitable<string[]>;
  setAdmin(roomId: string, userId: string, admin: boolean): Awaitable<void>;
  /** Make a member the group's owner (its creator until then: the room's `createdBy`). */
  setOwner(roomId: string, userId: string): Awaitable<void>;
  /**
   * Who a group passes to when its owner leaves: its admin who joined first, else its member who joined
   * first; null when no one is left.
   */
  successor(roomId: string): Awaitable<string | null>;
}

/** The key of a member set: its ids sorted, so either side opening the chat finds the same room. */
export const dmKey = (userIds: readonly string[]): string => [...new Set(userIds)].sort().join(' ');
