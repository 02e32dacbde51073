import type { CredentialsRepository, InviteRow, RefreshTokenRow } from '../../features/accounts/repository.js';
import type { Db } from './db.js';


interface RawInvite {
  id: string;
  code: string;
  uses_left: number;
  expires_at: number | null;
  role_id: string | null;
  created_by: string | null;
  created_at: number;
}

const toInvite = (r: RawInvite): InviteRow => ({
  id: r.id,
  code: r.code,
  usesLeft: r.uses_left,
  expiresAt: r.expires_at,
  roleId: r.role_id,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

/** Refresh tokens, invites and password-reset codes: everything that lets someone in. */
export class SqliteCredentialsRepo implements CredentialsRepository {
  private readonly s;
  constructor(db: Db) {
    this.s = {
      insertToken: db.prepare(
        `INSERT INTO refresh_tokens (token_hash, user_id, family_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
      ),
      tokenByHash: db.prepare<
        [string],
        { token_hash: string; user_id: string; family_id: string; expires_at: number; rotated: number; revoked: number }
      >('SELECT * FROM refresh_tokens WHERE token_hash = ?'),
      markRotated: db.prepare('UPDATE refresh_tokens SET rotated = 1 WHERE token_hash = ?'),
      revokeFamily: db.prepare('UPDATE refresh_tokens SET revoked = 1 WHERE family_id = ?'),
      familyRevoked: db.prepare<[string], { n: number }>(
        'SELECT 1 AS n FROM refresh_tokens WHERE family_id = ? AND revoked = 1 LIMIT 1',
      ),
      revokeUser: db.prepare('UPDATE refresh_tokens SET revoked = 1 WHERE user_id = ?'),
      dropAppPasswords: db.prepare('DELETE FROM app_passwords WHERE user_id = ?'),
      purgeExpired: db.prepare('DELETE FROM refresh_tokens WHERE expires_at < ?'),
      insertInvite: db.prepare(
        'INSERT INTO invites (id, code, uses_left, expires_at, role_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      invite: db.prepare<[string], RawInvite>('SELECT * FROM invites WHERE code = ?'),
      inviteById: db.prepare<[string], RawInvite>('SELECT * FROM invites WHERE id = ?'),
      allInvites: db.prepare<[], RawInvite>('SELECT * FROM invites ORDER BY created_at DESC, id'),
      invitesBy: db.prepare<[string], RawInvite>('SELECT * FROM invites WHERE created_by = ? ORDER BY created_at DESC, id'),
      operatorInvites: db.prepare<[], RawInvite>('SELECT * FROM invites WHERE created_by IS NULL ORDER BY created_at DESC, id'),
      deleteInvite: db.prepare('DELETE FROM invites WHERE code = ?'),
      useInvite: db.prepare('UPDATE invites SET uses_left = uses_left - 1 WHERE code = ? AND uses_left > 0'),
      inviteCount: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM invites'),
      insertReset: db.prepare('INSERT INTO reset_codes (code_hash, user_id, expires_at, clears_two_factor) VALUES (?, ?, ?, ?)'),
      reset: db.prepare<[string], { code_hash: string; user_id: string; expires_at: number; used: number; clears_two_factor: number }>(
        'SELECT * FROM reset_codes WHERE code_hash = ?',
      ),
      useReset: db.prepare('UPDATE reset_codes SET used = 1 WHERE code_hash = ?'),
      useAllResets: db.prepare('UPDATE reset_codes SET used = 1 WHERE user_id = ?'),
    };
  }

  insertRefreshToken(t: { tokenHash: string; userId: string; familyId: string; createdAt: number; expiresAt: number }): void {
    this.s.insertToken.run(t.tokenHash, t.userId, t.familyId, t.createdAt, t.expiresAt);
  }
  refreshToken(tokenHash: string): RefreshTokenRow | null {
    const r = this.s.tokenByHash.get(tokenHash);
    return r
      ? {
          tokenHash: r.token_hash,
          userId: r.user_id,
          familyId: r.family_id,
          expiresAt: r.expires_at,
          rotated: r.rotated !== 0,
          revoked: r.revoked !== 0,
        }
      : null;
  }
  markRotated(tokenHash: string): void {
    this.s.markRotated.run(tokenHash);
  }
  revokeFamily(familyId: string): void {
    this.s.revokeFamily.run(familyId);
  }
  /** Was this session family revoked (logout, refresh-token reuse)? Its access tokens are dead too. */
  familyRevoked(familyId: string): boolean {
    return this.s.familyRevoked.get(familyId) !== undefined;
  }
  revokeAllForUser(userId: string): void {
    this.s.revokeUser.run(userId);
    // App passwords are credentials too: a reset, log-out-everywhere, kick or ban ends them with the sessions.
    this.s.dropAppPasswords.run(userId);
  }
  purgeExpiredTokens(now: number): void {
    this.s.purgeExpired.run(now);
  }

  insertInvite(i: InviteRow): void {
    this.s.insertInvite.run(i.id, i.code, i.usesLeft, i.expiresAt, i.roleId, i.createdBy, i.createdAt);
  }
  invite(code: string): InviteRow | null {
    const r = this.s.invite.get(code);
    return r ? toInvite(r) : null;
  }
  inviteById(id: string): InviteRow | null {
    const r = this.s.inviteById.get(id);
    return r ? toInvite(r) : null;
  }
  invites(createdBy?: string | null): InviteRow[] {
    const rows =
      createdBy === undefined ? this.s.allInvites.all() : createdBy === null ? this.s.operatorInvites.all() : this.s.invitesBy.all(createdBy);
    return rows.map(toInvite);
  }
  deleteInvite(code: string): void {
    this.s.deleteInvite.run(code);
  }
  /** Spend one use; false when none were left. */
  useInvite(code: string): boolean {
    return this.s.useInvite.run(code).changes === 1;
  }
  inviteCount(): number {
    return this.s.inviteCount.get()!.n;
  }

  insertResetCode(codeHash: string, userId: string, expiresAt: number, clearsTwoFactor = false): void {
    this.s.insertReset.run(codeHash, userId, expiresAt, clearsTwoFactor ? 1 : 0);
  }
  resetCode(codeHash: string): { userId: string; expiresAt: number; used: boolean; clearsTwoFactor: boolean } | null {
    const r = this.s.reset.get(codeHash);
    return r ? { userId: r.user_id, expiresAt: r.expires_at, used: r.used !== 0, clearsTwoFactor: r.clears_two_factor !== 0 } : null;
  }
  /** Redeeming one code voids every outstanding code of that user. */
  useResetCodes(userId: string): void {
    this.s.useAllResets.run(userId);
  }
}
