import type { AccountErasure, AccountSecurityRepository, ErasePlan, SessionRow, TwoFactorRow } from '../../features/account-security/repository.js';
import { PgAccountDeletion } from './account-deletion.js';
import { num, type Sql } from './repo-sql.js';

/** PostgreSQL implementation of account safety's storage (two_factor, recovery_codes, two_factor_roles, sessions). */
export class PgAccountSecurityRepo implements AccountSecurityRepository {
  private readonly deletion: PgAccountDeletion;
  constructor(private readonly db: Sql) {
    this.deletion = new PgAccountDeletion(db);
  }

  erasePlan(userId: string): Promise<ErasePlan> {
    return this.deletion.plan(userId);
  }
  eraseAccount(userId: string, e: AccountErasure): Promise<{ blobs: string[] }> {
    return this.deletion.erase(userId, e);
  }
  nameHeld(keyHash: string, now: number): Promise<boolean> {
    return this.deletion.nameHeld(keyHash, now);
  }
  async twoFactor(userId: string): Promise<TwoFactorRow | null> {
    const r = await this.db.row<{ user_id: string; secret: string; enabled: number; last_step: number }>(
      'SELECT user_id, secret, enabled, last_step FROM two_factor WHERE user_id = $1',
      [userId],
    );
    return r ? { userId: r.user_id, secret: r.secret, enabled: Number(r.enabled) !== 0, lastStep: Number(r.last_step) } : null;
  }
  async setPending(userId: string, secret: string, now: number): Promise<void> {
    await this.db.run(
      `INSERT INTO two_factor (user_id, secret, enabled, last_step, created_at) VALUES ($1, $2, 0, -1, $3)
       ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, enabled = 0, last_step = -1, created_at = excluded.created_at`,
      [userId, secret, now],
    );
  }
  async enable(userId: string, step: number, recoveryHashes: readonly string[]): Promise<void> {
    await this.db.run('UPDATE two_factor SET enabled = 1, last_step = $1 WHERE user_id = $2', [step, userId]);
    await this.db.run('DELETE FROM recovery_codes WHERE user_id = $1', [userId]);
    if (recoveryHashes.length > 0) {
      await this.db.run('INSERT INTO recovery_codes (user_id, code_hash) SELECT $1, h FROM unnest($2::text[]) AS h ON CONFLICT DO NOTHING', [
        userId,
        [...recoveryHashes],
      ]);
    }
  }
  async disable(userId: string): Promise<void> {
    await this.db.run('DELETE FROM two_factor WHERE user_id = $1', [userId]);
    await this.db.run('DELETE FROM recovery_codes WHERE user_id = $1', [userId]);
  }
  async consumeStep(userId: string, step: number): Promise<boolean> {
    // The comparison in the WHERE clause is what makes a replayed step fail, even for two requests racing
    // (on two nodes: the second UPDATE waits for the first's row lock, then re-checks last_step).
    return (await this.db.run('UPDATE two_factor SET last_step = $1 WHERE user_id = $2 AND enabled = 1 AND last_step < $1', [step, userId])) === 1;
  }
  async useRecoveryCode(userId: string, codeHash: string): Promise<boolean> {
    return (await this.db.run('UPDATE recovery_codes SET used = 1 WHERE user_id = $1 AND code_hash = $2 AND used = 0', [userId, codeHash])) === 1;
  }
  async recoveryCodesLeft(userId: string): Promise<number> {
    return num((await this.db.row<{ n: number }>('SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = $1 AND used = 0', [userId]))?.n);
  }
  async requiredRoles(): Promise<Set<string>> {
    return new Set((await this.db.rows<{ role_id: string }>('SELECT role_id FROM two_factor_roles')).map((r) => r.role_id));
  }
  async setRoleRequired(roleId: string, required: boolean): Promise<void> {
    if (required) await this.db.run('INSERT INTO two_factor_roles (role_id) VALUES ($1) ON CONFLICT DO NOTHING', [roleId]);
    else await this.db.run('DELETE FROM two_factor_roles WHERE role_id = $1', [roleId]);
  }
  async insertSession(s: { familyId: string; userId: string; client: string; address: string; now: number }): Promise<void> {
    // SQLite's INSERT OR REPLACE: the family's description is replaced whole.
    await this.db.run(
      `INSERT INTO sessions (family_id, user_id, client, address, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $5)
       ON CONFLICT (family_id) DO UPDATE SET user_id = excluded.user_id, client = excluded.client, address = excluded.address,
         created_at = excluded.created_at, last_seen_at = excluded.last_seen_at`,
      [s.familyId, s.userId, s.client, s.address, s.now],
    );
  }
  async touchSession(familyId: string, now: number): Promise<void> {
    await this.db.run('UPDATE sessions SET last_seen_at = $1 WHERE family_id = $2', [now, familyId]);
  }
  async liveSessions(userId: string, now: number): Promise<SessionRow[]> {
    // Grouped by the family and the session row's key, so the session's columns may be selected as they are.
    const rows = await this.db.rows<{ family_id: string; client: string | null; address: string | null; first: number; last: number }>(
      `SELECT t.family_id, s.client, s.address,
              COALESCE(s.created_at, MIN(t.created_at)) AS first, COALESCE(s.last_seen_at, MAX(t.created_at)) AS last
         FROM refresh_tokens t LEFT JOIN sessions s ON s.family_id = t.family_id
        WHERE t.user_id = $1
        GROUP BY t.family_id, s.family_id
       HAVING SUM(t.revoked) = 0 AND SUM((t.rotated = 0 AND t.expires_at > $2)::int) > 0
        ORDER BY first DESC, t.family_id`,
      [userId, now],
    );
    return rows.map((r) => ({ familyId: r.family_id, client: r.client ?? 'unknown', address: r.address ?? '', firstSeen: Number(r.first), lastSeen: Number(r.last) }));
  }
  async purgeSessions(): Promise<void> {
    await this.db.run('DELETE FROM sessions s WHERE NOT EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.family_id = s.family_id)');
  }
  async authoredMessageIds(userId: string): Promise<string[]> {
    // The export reads across features' tables on purpose: it is the one place that gathers a user's data.
    return (await this.db.rows<{ id: string }>('SELECT id FROM messages WHERE author_id = $1 AND deleted = 0 ORDER BY event_order', [userId])).map((r) => r.id);
  }
  async reactionsBy(userId: string): Promise<Array<{ messageId: string; emoji: string; createdAt: number }>> {
    const rows = await this.db.rows<{ message_id: string; emoji: string; created_at: number }>(
      'SELECT message_id, emoji, created_at FROM message_reactions WHERE user_id = $1 ORDER BY created_at, message_id, emoji',
      [userId],
    );
    return rows.map((r) => ({ messageId: r.message_id, emoji: r.emoji, createdAt: Number(r.created_at) }));
  }
  async filesBy(userId: string): Promise<Array<{ id: string; name: string; size: number; mime: string; createdAt: number }>> {
    const rows = await this.db.rows<{ id: string; name: string; size: number; mime: string; created_at: number }>(
      'SELECT id, name, size, mime, created_at FROM files WHERE uploader_id = $1 ORDER BY created_at, id',
      [userId],
    );
    return rows.map((r) => ({ id: r.id, name: r.name, size: Number(r.size), mime: r.mime, createdAt: Number(r.created_at) }));
  }
}
