import type { Awaitable } from '../../ports/awaitable.js';
/** Users and everything that lets someone in (refresh tokens, invites, reset codes): the accounts feature's storage. */

export type RemovalReason = 'kicked' | 'banned' | 'deleted';

export interface UserRow {
  id: string;
  username: string;
  nickname: string;
  color: string | null;
  passwordHash: string;
  tokenVersion: number;
  removed: boolean;
  /** Why the user was removed; null while active. */
  removedReason: RemovalReason | null;
  /** Private highlight words, as the user typed them. */
  highlights: string[];
  /** The status text others see beside the name (`status.set`), or null. */
  statusText: string | null;
  /** The presence mode the user chose (`presence.set`). */
  presenceMode: 'auto' | 'away' | 'invisible';
  createdAt: number;
}

export interface UsersRepository {
  insert(u: { id: string; username: string; nickname: string; passwordHash: string; createdAt: number }): Awaitable<void>;
  byId(id: string): Awaitable<UserRow | null>;
  byUsername(username: string): Awaitable<UserRow | null>;
  /** Nickname lookup by uniqueness key (nicknameKey: case and compatibility forms folded; removed users included). */
  idByNickname(nickname: string): Awaitable<string | null>;
  /** Active users, oldest first. */
  list(): Awaitable<UserRow[]>;
  /** Every user ever, removed ones included, oldest first. */
  all(): Awaitable<UserRow[]>;
  /** Active users whose nickname key is one of `keys`. */
  idsByNicknameKeys(keys: readonly string[]): Awaitable<string[]>;
  /** Replace a user's highlight words: `words` as typed, `keys` as matched. */
  setHighlights(id: string, words: readonly string[], keys: readonly string[]): Awaitable<void>;
  /** Active users with a highlight word whose key is one of `keys`. */
  idsByHighlightKeys(keys: readonly string[]): Awaitable<string[]>;
  /** Removed users who authored live messages, with the rooms they wrote in. */
  removedAuthors(): Awaitable<Array<{ userId: string; roomId: string }>>;
  /** Every user ever, removed ones included. */
  count(): Awaitable<number>;
  setNickname(id: string, nickname: string): Awaitable<void>;
  setColor(id: string, color: string | null): Awaitable<void>;
  setStatusText(id: string, text: string | null): Awaitable<void>;
  setPresenceMode(id: string, mode: UserRow['presenceMode']): Awaitable<void>;
  setPassword(id: string, hash: string): Awaitable<void>;
  bumpTokenVersion(id: string): Awaitable<void>;
  /** Mark a user removed (kicked or banned) or, with null, active again. */
  setRemoved(id: string, reason: RemovalReason | null): Awaitable<void>;
}

export interface RefreshTokenRow {
  tokenHash: string;
  userId: string;
  familyId: string;
  expiresAt: number;
  rotated: boolean;
  revoked: boolean;
}

export interface InviteRow {
  id: string;
  code: string;
  usesLeft: number;
  expiresAt: number | null;
  roleId: string | null;
  /** null: the operator (command line, first-run owner invite). */
  createdBy: string | null;
  createdAt: number;
}

export interface CredentialsRepository {
  insertRefreshToken(t: { tokenHash: string; userId: string; familyId: string; createdAt: number; expiresAt: number }): Awaitable<void>;
  refreshToken(tokenHash: string): Awaitable<RefreshTokenRow | null>;
  markRotated(tokenHash: string): Awaitable<void>;
  revokeFamily(familyId: string): Awaitable<void>;
  /** Was this session family revoked (logout, refresh-token reuse)? Its access tokens are dead too. */
  familyRevoked(familyId: string): Awaitable<boolean>;
  /** Every refresh token of the user revoked, and their app passwords deleted (a reset, log-out-everywhere, kick, ban). */
  revokeAllForUser(userId: string): Awaitable<void>;
  purgeExpiredTokens(now: number): Awaitable<void>;
  insertInvite(i: InviteRow): Awaitable<void>;
  invite(code: string): Awaitable<InviteRow | null>;
  inviteById(id: string): Awaitable<InviteRow | null>;
  /** Newest first: every invite, or those `createdBy` created (null: the operator's). */
  invites(createdBy?: string | null): Awaitable<InviteRow[]>;
  deleteInvite(code: string): Awaitable<void>;
  /** Spend one use; false when none were left. */
  useInvite(code: string): Awaitable<boolean>;
  inviteCount(): Awaitable<number>;
  /** `clearsTwoFactor`: redeeming it also turns the user's two-factor login off (the operator said so). */
  insertResetCode(codeHash: string, userId: string, expiresAt: number, clearsTwoFactor?: boolean): Awaitable<void>;
  resetCode(codeHash: string): Awaitable<{ userId: string; expiresAt: number; used: boolean; clearsTwoFactor: boolean } | null>;
  /** Redeeming one code voids every outstanding code of that user. */
  useResetCodes(userId: string): Awaitable<void>;
}
