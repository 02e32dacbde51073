import { LIMITS } from '@open-discord/protocol';
import type { StoredEvent } from '../store/store.js';
import type { ServiceDeps } from './deps.js';

/** Payload bytes after which a sync or replay page ends early (`more: true`), whatever its row count. */
export const SYNC_PAGE_BYTES = 256 * 1024;

export interface SyncPage {
  /** Visible events after `after`, ascending (still in stored form: serialised once by the caller). */
  events: StoredEvent[];
  /** Every order up to here is accounted for; hidden ones in between are redacted for this user. */
  through: number;
  more: boolean;
  snapshotRequired: boolean;
}

/** Forward paging through the log as one user sees it (the `sync` request and resume replay). */
export class SyncService {
  constructor(
    private readonly d: ServiceDeps,
    private readonly snapshotThreshold: number,
  ) {}

  /**
   * Too far behind (or claiming to be ahead of the log, e.g. after a restore from backup): no events,
   * the client must load a snapshot.
   */
  needsSnapshot(after: number): boolean {
    const head = this.d.queue.head;
    return after > head || head - after > this.snapshotThreshold;
  }

  page(userId: string, after: number, limit: number = LIMITS.syncPageSize): SyncPage {
    if (this.needsSnapshot(after)) return { events: [], through: after, more: false, snapshotRequired: true };
    return this.scan(userId, after, limit);
  }

  /**
   * One page without the snapshot check (replay has already decided). Scans up to `limit` rows of the
   * log, and stops early once the visible payloads reach `maxBytes`.
   */
  scan(userId: string, after: number, limit: number = LIMITS.syncPageSize, maxBytes: number = SYNC_PAGE_BYTES): SyncPage {
    const head = this.d.queue.head;
    const scanned = this.d.store.events.after(after, limit);
    // Rows past our head were appended by another process and are not published yet; they will be
    // delivered live once the commit queue absorbs them, so a page must not account for them.
    const rows = scanned.filter((e) => e.order <= head);
    const { access } = this.d;
    const events: StoredEvent[] = [];
    let bytes = 0;
    for (const e of rows) {
      if (!access.canSeeEvent(userId, e)) continue;
      events.push(e);
      bytes += Buffer.byteLength(e.dataJson);
      // Counted in bytes as well as rows: 1000 long messages would make one frame of several MB, which a
      // client on a slow link cannot drain before the send-buffer cap or the close grace runs out.
      if (bytes >= maxBytes) return { events, through: e.order, more: e.order < head, snapshotRequired: false };
    }
    // A short page means the log is exhausted: the client is accounted up to head.
    const exhausted = scanned.length < limit || rows.length < scanned.length;
    const through = exhausted ? Math.max(head, after) : rows[rows.length - 1]!.order;
    return { events, through, more: through < head, snapshotRequired: false };
  }
}
