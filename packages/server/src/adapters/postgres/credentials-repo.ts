import type { CredentialsRepository, InviteRow, RefreshTokenRow } from '../../features/accounts/repository.js';
import type { PgDb } from './db.js';

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

/** Refresh tokens, invites and password-reset codes on PostgreSQL (query for query SQLite's). */
export class PgCredentialsRepo implements CredentialsRepository {
  constructor(private readonly db: PgDb) {}

  async insertRefreshToken(t: { tokenHash: string; userId: string; familyId: string; createdAt: number; expiresAt: number }): Promise<void> {
    await this.db.run(
      'INSERT INTO refresh_tokens (token_hash, user_id, family_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
      [t.tokenHash, t.userId, t.familyId, t.createdAt, t.expiresAt],
    );
  }
  async refreshToken(tokenHash: string): Promise<RefreshTokenRow | null> {
    const r = await this.db.row<{ token_hash: string; user_id: string; family_id: string; expires_at: number; rotated: number; revoked: number }>(
      'SELECT * FROM refresh_tokens WHERE token_hash = $1',
      [tokenHash],
    );
    return r
      ? { tokenHash: r.token_hash, userId: r.user_id, familyId: r.family_id, expiresAt: r.expires_at, rotated: r.rotated !== 0, revoked: r.revoked !== 0 }
      : null;
  }
  async markRotated(tokenHash: string): Promise<void> {
    await this.db.run('UPDATE refresh_tokens SET rotated = 1 WHERE token_hash = $1', [tokenHash]);
  }
  async revokeFamily(familyId: string): Promise<void> {
    await this.db.run('UPDATE refresh_tokens SET revoked = 1 WHERE family_id = $1', [familyId]);
  }
  async familyRevoked(familyId: string): Promise<boolean> {
    return (await this.db.row('SELECT 1 AS n FROM refresh_tokens WHERE family_id = $1 AND revoked = 1 LIMIT 1', [familyId])) !== null;
  }
  async revokeAllForUser(userId: string): Promise<void> {
    await this.db.run('UPDATE refresh_tokens SET revoked = 1 WHERE user_id = $1', [userId]);
    // App passwords are credentials too: a reset, log-out-everywhere, kick or ban ends them with the sessions.
    await this.db.run('DELETE FROM app_passwords WHERE user_id = $1', [userId]);
  }
  async purgeExpiredTokens(now: number): Promise<void> {
    await this.db.run('DELETE FROM refresh_tokens WHERE expires_at < $1', [now]);
  }

  async insertInvite(i: InviteRow): Promise<void> {
    await this.db.run(
      'INSERT INTO invites (id, code, uses_left, expires_at, role_id, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [i.id, i.code, i.usesLeft, i.expiresAt, i.roleId, i.createdBy, i.createdAt],
    );
  }
  async invite(code: string): Promise<InviteRow | null> {
    const r = await this.db.row<RawInvite>('SELECT * FROM invites WHERE code = $1', [code]);
    return r ? toInvite(r) : null;
  }
  async inviteById(id: string): Promise<InviteRow | null> {
    const r = await this.db.row<RawInvite>('SELECT * FROM invites WHERE id = $1', [id]);
    return r ? toInvite(r) : null;
  }
  async invites(createdBy?: string | null): Promise<InviteRow[]> {
    const rows =
      createdBy === undefined
        ? await this.db.rows<RawInvite>('SELECT * FROM invites ORDER BY created_at DESC, id')
        : createdBy === null
          ? await this.db.rows<RawInvite>('SELECT * FROM invites WHERE created_by IS NULL ORDER BY created_at DESC, id')
          : await this.db.rows<RawInvite>('SELECT * FROM invites WHERE created_by = $1 ORDER BY created_at DESC, id', [createdBy]);
    return rows.map(toInvite);
  }
  async deleteInvite(code: string): Promise<void> {
    await this.db.run('DELETE FROM invites WHERE code = $1', [code]);
  }
  async useInvite(code: string): Promise<boolean> {
    return (await this.db.run('UPDATE invites SET uses_left = uses_left - 1 WHERE code = $1 AND uses_left > 0', [code])) === 1;
  }
  async inviteCount(): Promise<number> {
    return (await this.db.row<{ n: number }>('SELECT COUNT(*) AS n FROM invites'))!.n;
  }

  async insertResetCode(codeHash: string, userId: string, expiresAt: number, clearsTwoFactor = false): Promise<void> {
    await this.db.run('INSERT INTO reset_codes (code_hash, user_id, expires_at, clears_two_factor) VALUES ($1, $2, $3, $4)', [
      codeHash,
      userId,
      expiresAt,
      clearsTwoFactor ? 1 : 0,
    ]);
  }
  async resetCode(codeHash: string): Promise<{ userId: string; expiresAt: number; used: boolean; clearsTwoFactor: boolean } | null> {
    const r = await this.db.row<{ user_id: string; expires_at: number; used: number; clears_two_factor: number }>(
      'SELECT * FROM reset_codes WHERE code_hash = $1',
      [codeHash],
    );
    return r ? { userId: r.user_id, expiresAt: r.expires_at, used: r.used !== 0, clearsTwoFactor: r.clears_two_factor !== 0 } : null;
  }
  async useResetCodes(userId: string): Promise<void> {
    await this.db.run('UPDATE reset_codes SET used = 1 WHERE user_id = $1', [userId]);
  }
}
