import type { AccountErasure, AccountSecurityRepository, ErasePlan, SessionRow, TwoFactorRow } from '../../features/account-security/repository.js';
import { SqliteAccountDeletion } from './account-deletion.js';
import type { Db } from './db.js';

/** SQLite implementation of account safety's storage (two_factor, recovery_codes, two_factor_roles, sessions). */
export class SqliteAccountSecurityRepo implements AccountSecurityRepository {
  private readonly s;
  private readonly deletion: SqliteAccountDeletion;
  constructor(db: Db) {
    this.deletion = new SqliteAccountDeletion(db);
    this.s = {
      twoFactor: db.prepare<[string], { user_id: string; secret: string; enabled: number; last_step: number }>(
        'SELECT user_id, secret, enabled, last_step FROM two_factor WHERE user_id = ?',
      ),
      setPending: db.prepare(
        `INSERT INTO two_factor (user_id, secret, enabled, last_step, created_at) VALUES (?, ?, 0, -1, ?)
         ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, enabled = 0, last_step = -1, created_at = excluded.created_at`,
      ),
      enable: db.prepare('UPDATE two_factor SET enabled = 1, last_step = ? WHERE user_id = ?'),
      deleteTwoFactor: db.prepare('DELETE FROM two_factor WHERE user_id = ?'),
      deleteCodes: db.prepare('DELETE FROM recovery_codes WHERE user_id = ?'),
      insertCode: db.prepare('INSERT OR IGNORE INTO recovery_codes (user_id, code_hash) VALUES (?, ?)'),
      // The comparison in the WHERE clause is what makes a replayed step fail, even for two requests racing.
      consumeStep: db.prepare('UPDATE two_factor SET last_step = ? WHERE user_id = ? AND enabled = 1 AND last_step < ?'),
      useCode: db.prepare('UPDATE recovery_codes SET used = 1 WHERE user_id = ? AND code_hash = ? AND used = 0'),
      codesLeft: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = ? AND used = 0'),
      requiredRoles: db.prepare<[], { role_id: string }>('SELECT role_id FROM two_factor_roles'),
      requireRole: db.prepare('INSERT OR IGNORE INTO two_factor_roles (role_id) VALUES (?)'),
      unrequireRole: db.prepare('DELETE FROM two_factor_roles WHERE role_id = ?'),
      insertSession: db.prepare(
        'INSERT OR REPLACE INTO sessions (family_id, user_id, client, address, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      touchSession: db.prepare('UPDATE sessions SET last_seen_at = ? WHERE family_id = ?'),
      liveSessions: db.prepare<
        [string, number],
        { family_id: string; client: string | null; address: string | null; first: number; last: number }
      >(
        `SELECT t.family_id, s.client, s.address,
                COALESCE(s.created_at, MIN(t.created_at)) AS first, COALESCE(s.last_seen_at, MAX(t.created_at)) AS last
           FROM refresh_tokens t LEFT JOIN sessions s ON s.family_id = t.family_id
          WHERE t.user_id = ?
          GROUP BY t.family_id
         HAVING SUM(t.revoked) = 0 AND SUM(t.rotated = 0 AND t.expires_at > ?) > 0
          ORDER BY first DESC, t.family_id`,
      ),
      purgeSessions: db.prepare('DELETE FROM sessions WHERE family_id NOT IN (SELECT family_id FROM refresh_tokens)'),
      // The export reads across features' tables on purpose: it is the one place that gathers a user's data.
      authored: db.prepare<[string], { id: string }>('SELECT id FROM messages WHERE author_id = ? AND deleted = 0 ORDER BY event_order'),
      reactionsBy: db.prepare<[string], { message_id: string; emoji: string; created_at: number }>(
        'SELECT message_id, emoji, created_at FROM message_reactions WHERE user_id = ? ORDER BY created_at, message_id, emoji',
      ),
      filesBy: db.prepare<[string], { id: string; name: string; size: number; mime: string; created_at: number }>(
        'SELECT id, name, size, mime, created_at FROM files WHERE uploader_id = ? ORDER BY created_at, id',
      ),
    };
  }

  erasePlan(userId: string): ErasePlan {
    return this.deletion.plan(userId);
  }
  eraseAccount(userId: string, e: AccountErasure): { blobs: string[] } {
    return this.deletion.erase(userId, e);
  }
  nameHeld(keyHash: string, now: number): boolean {
    return this.deletion.nameHeld(keyHash, now);
  }
  twoFactor(userId: string): TwoFactorRow | null {
    const r = this.s.twoFactor.get(userId);
    return r ? { userId: r.user_id, secret: r.secret, enabled: r.enabled !== 0, lastStep: r.last_step } : null;
  }
  setPending(userId: string, secret: string, now: number): void {
    this.s.setPending.run(userId, secret, now);
  }
  enable(userId: string, step: number, recoveryHashes: readonly string[]): void {
    this.s.enable.run(step, userId);
    this.s.deleteCodes.run(userId);
    for (const h of recoveryHashes) this.s.insertCode.run(userId, h);
  }
  disable(userId: string): void {
    this.s.deleteTwoFactor.run(userId);
    this.s.deleteCodes.run(userId);
  }
  consumeStep(userId: string, step: number): boolean {
    return this.s.consumeStep.run(step, userId, step).changes === 1;
  }
  useRecoveryCode(userId: string, codeHash: string): boolean {
    return this.s.useCode.run(userId, codeHash).changes === 1;
  }
  recoveryCodesLeft(userId: string): number {
    return this.s.codesLeft.get(userId)!.n;
  }
  requiredRoles(): Set<string> {
    return new Set(this.s.requiredRoles.all().map((r) => r.role_id));
  }
  setRoleRequired(roleId: string, required: boolean): void {
    (required ? this.s.requireRole : this.s.unrequireRole).run(roleId);
  }
  insertSession(s: { familyId: string; userId: string; client: string; address: string; now: number }): void {
    this.s.insertSession.run(s.familyId, s.userId, s.client, s.address, s.now, s.now);
  }
  touchSession(familyId: string, now: number): void {
    this.s.touchSession.run(now, familyId);
  }
  liveSessions(userId: string, now: number): SessionRow[] {
    return this.s.liveSessions.all(userId, now).map((r) => ({
      familyId: r.family_id,
      client: r.client ?? 'unknown',
      address: r.address ?? '',
      firstSeen: r.first,
      lastSeen: r.last,
    }));
  }
  purgeSessions(): void {
    this.s.purgeSessions.run();
  }
  authoredMessageIds(userId: string): string[] {
    return this.s.authored.all(userId).map((r) => r.id);
  }
  reactionsBy(userId: string): Array<{ messageId: string; emoji: string; createdAt: number }> {
    return this.s.reactionsBy.all(userId).map((r) => ({ messageId: r.message_id, emoji: r.emoji, createdAt: r.created_at }));
  }
  filesBy(userId: string): Array<{ id: string; name: string; size: number; mime: string; createdAt: number }> {
    return this.s.filesBy.all(userId).map((r) => ({ id: r.id, name: r.name, size: r.size, mime: r.mime, createdAt: r.created_at }));
  }
}
