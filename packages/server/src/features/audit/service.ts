import type { AuditEntry, RequestType } from '@open-discord/protocol';
import { ProtocolError } from '@open-discord/protocol';
import type { ServiceDeps } from '../../core/deps.js';
import { AUDITED, describe } from './audited.js';

const PAGE = 50;

/**
 * The audit log. Entries are written after the action they describe committed (by the dispatcher for requests
 * over the wire, by `od-server` for the operator's), and read by the owner and holders of manage_roles or
 * manage_members. An entry about a room the reader cannot see is left out, like the room itself.
 */
export class AuditService {
  constructor(private readonly d: ServiceDeps) {}

  /** Record `type` if it is a privileged action (a no-op for any other request). */
  async recordRequest(actorId: string | null, type: RequestType, params: Record<string, unknown>): Promise<void> {
    if (!AUDITED.has(type)) return;
    const { targetUserId, roomId, detail } = describe(params);
    await this.d.queue.submit(async (w) => {
      await this.d.store.audit.append({ at: w.now, actorId, action: type, targetUserId, roomId, detail });
    });
  }

  async list(readerId: string | null, p: { before?: number | undefined; limit?: number | undefined }): Promise<{ entries: AuditEntry[] }> {
    const view = await this.d.access.view();
    if (readerId !== null && !(view.isOwner(readerId) || view.hasPermission(readerId, 'manage_roles') || view.hasPermission(readerId, 'manage_members'))) {
      throw new ProtocolError('FORBIDDEN', 'you need the manage_roles or manage_members permission to read the audit log');
    }
    // A deleted room's entries (who deleted it, for one) stay readable by those who could see it; a room that
    // was or is hidden from the reader, or never existed, leaves its entries out.
    const seen = (reader: string, roomId: string) => {
      const room = view.room(roomId);
      return room !== null && view.roomVisibleTo(reader, room);
    };
    const limit = p.limit ?? PAGE;
    const entries: AuditEntry[] = [];
    let before = p.before ?? Number.MAX_SAFE_INTEGER;
    // Hidden rooms' entries are skipped, so a page is refilled from older ones until it is full or the log ends.
    for (;;) {
      const rows = await this.d.store.audit.page(before, limit);
      for (const r of rows) {
        if (r.roomId !== null && readerId !== null && !seen(readerId, r.roomId)) continue;
        entries.push({ seq: r.seq, at: r.at, actorId: r.actorId, action: r.action, targetUserId: r.targetUserId, roomId: r.roomId, detail: r.detail });
        if (entries.length === limit) return { entries };
      }
      if (rows.length < limit) return { entries };
      before = rows[rows.length - 1]!.seq;
    }
  }
}
