import type { AuditRepository, AuditRow } from '../../features/audit/repository.js';
import type { Sql } from './repo-sql.js';

interface RawAudit {
  seq: number;
  at: number;
  actor_id: string | null;
  action: string;
  target_user_id: string | null;
  room_id: string | null;
  detail: string;
}

/** PostgreSQL implementation of the audit log (audit_log). */
export class PgAuditRepo implements AuditRepository {
  constructor(private readonly db: Sql) {}

  async append(e: Omit<AuditRow, 'seq'>): Promise<void> {
    await this.db.run(
      'INSERT INTO audit_log (at, actor_id, action, target_user_id, room_id, detail) VALUES ($1, $2, $3, $4, $5, $6)',
      [e.at, e.actorId, e.action, e.targetUserId, e.roomId, JSON.stringify(e.detail)],
    );
  }
  async page(before: number, limit: number): Promise<AuditRow[]> {
    const rows = await this.db.rows<RawAudit>(
      'SELECT seq, at, actor_id, action, target_user_id, room_id, detail FROM audit_log WHERE seq < $1 ORDER BY seq DESC LIMIT $2',
      [before, limit],
    );
    return rows.map((r) => ({
      seq: Number(r.seq),
      at: Number(r.at),
      actorId: r.actor_id,
      action: r.action,
      targetUserId: r.target_user_id,
      roomId: r.room_id,
      detail: JSON.parse(r.detail) as Record<string, unknown>,
    }));
  }
}
