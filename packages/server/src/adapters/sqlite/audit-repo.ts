import type { AuditRepository, AuditRow } from '../../features/audit/repository.js';
import type { Db } from './db.js';

/** SQLite implementation of the audit log (audit_log, migration 17). */
export class SqliteAuditRepo implements AuditRepository {
  private readonly s;
  constructor(db: Db) {
    this.s = {
      append: db.prepare('INSERT INTO audit_log (at, actor_id, action, target_user_id, room_id, detail) VALUES (?, ?, ?, ?, ?, ?)'),
      page: db.prepare<[number, number], { seq: number; at: number; actor_id: string | null; action: string; target_user_id: string | null; room_id: string | null; detail: string }>(
        'SELECT * FROM audit_log WHERE seq < ? ORDER BY seq DESC LIMIT ?',
      ),
    };
  }
  append(e: Omit<AuditRow, 'seq'>): void {
    this.s.append.run(e.at, e.actorId, e.action, e.targetUserId, e.roomId, JSON.stringify(e.detail));
  }
  page(before: number, limit: number): AuditRow[] {
    return this.s.page.all(before, limit).map((r) => ({
      seq: r.seq,
      at: r.at,
      actorId: r.actor_id,
      action: r.action,
      targetUserId: r.target_user_id,
      roomId: r.room_id,
      detail: JSON.parse(r.detail) as Record<string, unknown>,
    }));
  }
}
