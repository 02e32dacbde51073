import type { AuditEntry, RequestType } from '@open-discord/protocol';
import { ProtocolError } from '@open-discord/protocol';
import type { ServiceDeps } from '../../core/deps.js';
import { AUDITED, describe } from './audited.js';

const PAGE = 50;

/**
 * The audit log. An entry is written in the same unit of work as the action it describes (the commit queue's
 * `audited` scope, or the step's own `w.audit`), so the two commit together: there is no action without its
 * entry, and no entry for an action that was undone. Read by the owner and holders of manage_roles or
 * manage_members; an entry about a room the reader cannot see is left out, like the room itself.
 */
export class AuditService {
  constructor(private readonly d: ServiceDeps) {}

  /**
   * Run a request's handler; when `type` is a privileged action, its first write that commits records it (for
   * requests over the wire, and for the operator's from `od-server`, actor null).
   */
  around<T>(actorId: string | null, type: RequestType, params: Record<string, unknown>, run: () => Promise<T>): Promise<T> {
    if (!AUDITED.has(type)) return run();
    const { targetUserId, roomId, detail } = describe(params);
    return this.d.queue.audited({ actorId, action: type, targetUserId, roomId, detail }, run);
  }

  /** An operator's action (actor null) that is no request: recorded with its first write that commits. */
  operator<T>(action: string, detail: Record<string, unknown>, run: () => Promise<T>): Promise<T> {
    return this.d.queue.audited({ actorId: null, action, targetUserId: null, roomId: null, detail }, run);
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
