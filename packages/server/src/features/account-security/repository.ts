import type { Awaitable } from '../../ports/awaitable.js';
/** Two-factor secrets, recovery codes, 2FA-required roles and session descriptions: account safety's storage. */

export interface TwoFactorRow {
  userId: string;
  /** The base32 TOTP secret, sealed (sealed-secret.ts): storage never holds it in the clear. */
  secret: string;
  /** False while enrolment waits for its first code. */
  enabled: boolean;
  /** The newest TOTP time step accepted; a code at or before it is refused (replay). */
  lastStep: number;
}

export interface SessionRow {
  familyId: string;
  client: string;
  address: string;
  firstSeen: number;
  lastSeen: number;
}

/** What deleting an account will touch, read before the write so the service can emit its events. */
export interface ErasePlan {
  /** One-to-one conversations the user is in: they go whole. */
  dmRooms: string[];
  /** The user's live messages in shared rooms (groups included), oldest first. */
  messages: Array<{ id: string; roomId: string }>;
  /** Rooms and groups (not DMs) the user is a member of: they leave each (`room.left`), and a group they own is handed on. */
  joined: Array<{ roomId: string; group: boolean; owner: boolean }>;
  /** Reactions the user gave in shared rooms. */
  reactions: Array<{ messageId: string; roomId: string; emoji: string }>;
}

export interface AccountErasure {
  /** Messages whose text goes (empty when the user keeps them under "deleted user"). */
  eraseMessages: Array<{ id: string; roomId: string }>;
  dmRooms: string[];
  /** What the row is called from now on (the old names are held by hash). */
  username: string;
  nickname: string;
  nicknameKey: string;
  /** Hashes of the old username and nickname keys, held until `holdUntil`. */
  holds: string[];
  holdUntil: number;
  /** The write's time: holds that ended before it are dropped. */
  now: number;
}

export interface AccountSecurityRepository {
  /** Read what deleting the account will remove (see ErasePlan). */
  erasePlan(userId: string): Awaitable<ErasePlan>;
  /**
   * Delete the account: credentials, sessions, two-factor login, roles, profile, avatar, reactions, read
   * markers, follows, blocks, bookmarks, DMs; erase the listed messages (log rows become tombstones); rename
   * the row and hold the old names. Answers the blobs no file row uses any more (removed after commit).
   */
  eraseAccount(userId: string, e: AccountErasure): Awaitable<{ blobs: string[] }>;
  /** Is this name key hash held by a deleted account until later than `now`? */
  nameHeld(keyHash: string, now: number): Awaitable<boolean>;
  twoFactor(userId: string): Awaitable<TwoFactorRow | null>;
  /** Start (or restart) enrolment with a new secret, not yet enabled. Refuses nothing: the service checks. */
  setPending(userId: string, secret: string, now: number): Awaitable<void>;
  /** Enable with these recovery code hashes (replacing any), `step` counted as used. */
  enable(userId: string, step: number, recoveryHashes: readonly string[]): Awaitable<void>;
  /** Forget the secret and the recovery codes. */
  disable(userId: string): Awaitable<void>;
  /** Accept time step `step` once: true only when it is newer than the last accepted one (then it is stored). */
  consumeStep(userId: string, step: number): Awaitable<boolean>;
  /** Spend an unused recovery code; false when there is none with this hash. */
  useRecoveryCode(userId: string, codeHash: string): Awaitable<boolean>;
  recoveryCodesLeft(userId: string): Awaitable<number>;
  /** Roles whose holders must have two-factor login. */
  requiredRoles(): Awaitable<Set<string>>;
  setRoleRequired(roleId: string, required: boolean): Awaitable<void>;
  /** Describe a new session (refresh-token family). */
  insertSession(s: { familyId: string; userId: string; client: string; address: string; now: number }): Awaitable<void>;
  /** The session refreshed its token: seen now. */
  touchSession(familyId: string, now: number): Awaitable<void>;
  /**
   * The user's live sessions (families with an unrevoked, unspent, unexpired refresh token), newest first;
   * families from before sessions were described have client 'unknown'.
   */
  liveSessions(userId: string, now: number): Awaitable<SessionRow[]>;
  /** Drop descriptions of sessions that have no refresh token left (after expired tokens were purged). */
  purgeSessions(): Awaitable<void>;
  /** For the data export: the user's live messages (ids, oldest first), reactions given and files uploaded. */
  authoredMessageIds(userId: string): Awaitable<string[]>;
  reactionsBy(userId: string): Awaitable<Array<{ messageId: string; emoji: string; createdAt: number }>>;
  /** Files the user uploaded, oldest first. */
  filesBy(userId: string): Awaitable<Array<{ id: string; name: string; size: number; mime: string; createdAt: number }>>;
}
