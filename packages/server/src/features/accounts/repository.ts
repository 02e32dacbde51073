/** Users and everything that lets someone in (refresh tokens, invites, reset codes): the accounts feature's storage. */

export type RemovalReason = 'kicked' | 'banned';

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
  createdAt: number;
}

export interface UsersRepository {
  insert(u: { id: string; username: string; nickname: string; passwordHash: string; createdAt: number }): void;
  byId(id: string): UserRow | null;
  byUsername(username: string): UserRow | null;
  /** Nickname lookup by uniqueness key (nicknameKey: case and compatibility forms folded; removed users included). */
  idByNickname(nickname: string): string | null;
  /** Active users, oldest first. */
  list(): UserRow[];
  /** Every user ever, removed ones included, oldest first. */
  all(): UserRow[];
  /** Active users whose nickname key is one of `keys`. */
  idsByNicknameKeys(keys: readonly string[]): string[];
  /** Replace a user's highlight words: `words` as typed, `keys` as matched. */
  setHighlights(id: string, words: readonly string[], keys: readonly string[]): void;
  /** Active users with a highlight word whose key is one of `keys`. */
  idsByHighlightKeys(keys: readonly string[]): string[];
  /** Removed users who authored live messages, with the rooms they wrote in. */
  removedAuthors(): Array<{ userId: string; roomId: string }>;
  /** Every user ever, removed ones included. */
  count(): number;
  setNickname(id: string, nickname: string): void;
  setColor(id: string, color: string | null): void;
  setPassword(id: string, hash: string): void;
  bumpTokenVersion(id: string): void;
  /** Mark a user removed (kicked or banned) or, with null, active again. */
  setRemoved(id: string, reason: RemovalReason | null): void;
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
  insertRefreshToken(t: { tokenHash: string; userId: string; familyId: string; createdAt: number; expiresAt: number }): void;
  refreshToken(tokenHash: string): RefreshTokenRow | null;
  markRotated(tokenHash: string): void;
  revokeFamily(familyId: string): void;
  /** Was this session family revoked (logout, refresh-token reuse)? Its access tokens are dead too. */
  familyRevoked(familyId: string): boolean;
  revokeAllForUser(userId: string): void;
  purgeExpiredTokens(now: number): void;
  insertInvite(i: InviteRow): void;
  invite(code: string): InviteRow | null;
  inviteById(id: string): InviteRow | null;
  /** Newest first: every invite, or those `createdBy` created (null: the operator's). */
  invites(createdBy?: string | null): InviteRow[];
  deleteInvite(code: string): void;
  /** Spend one use; false when none were left. */
  useInvite(code: string): boolean;
  inviteCount(): number;
  insertResetCode(codeHash: string, userId: string, expiresAt: number): void;
  resetCode(codeHash: string): { userId: string; expiresAt: number; used: boolean } | null;
  /** Redeeming one code voids every outstanding code of that user. */
  useResetCodes(userId: string): void;
}
