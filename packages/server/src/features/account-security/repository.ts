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

export interface AccountSecurityRepository {
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
