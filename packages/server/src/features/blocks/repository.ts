import type { Awaitable } from '../../ports/awaitable.js';

/** Who blocked whom: the blocks feature's storage. Private rows: only the blocker's requests read their list. */
export interface BlocksRepository {
  /** The users `userId` blocked, oldest block first. */
  list(userId: string): Awaitable<string[]>;
  /** Block or unblock; whether anything changed (blocking twice, or unblocking a stranger, changes nothing). */
  set(userId: string, blockedId: string, blocked: boolean, at: number): Awaitable<boolean>;
  /** Whether `userId` blocked `otherId`. */
  blocks(userId: string, otherId: string): Awaitable<boolean>;
}
