import { LIMITS } from '@open-discord/protocol';
import type { ServiceDeps } from '../../core/deps.js';
import type { StoredEvent } from '../../ports/storage.js';

/** Payload bytes after which a sync or replay page ends early (`more: true`), whatever its row count. */
export const SYNC_PAGE_BYTES = 256 * 1024;

/** Rows read per step of a page scan; after these, the rest of the page in one read. */
const SCAN_CHUNKS = [100, 300];

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

  async page(userId: string, after: number, limit: number = LIMITS.syncPageSize): Promise<SyncPage> {
    if (this.needsSnapshot(after)) return { events: [], through: after, more: false, snapshotRequired: true };
    return this.scan(userId, after, limit);
  }

  /**
   * One page without the snapshot check (replay has already decided). Scans up to `limit` rows of the
   * log, and stops early once the visible payloads reach `maxBytes`.
   */
  async scan(userId: string, after: number, limit: number = LIMITS.syncPageSize, maxBytes: number = SYNC_PAGE_BYTES): Promise<SyncPage> {
    const head = this.d.queue.head;
    const { store } = this.d;
    const view = await this.d.access.view();
    const events: StoredEvent[] = [];
    // A short page means the log is exhausted: the client is accounted up to head.
    const exhausted = (): SyncPage => ({ events, through: Math.max(head, after), more: false, snapshotRequired: false });
    let bytes = 0;
    let cursor = after;
    let left = limit;
    // Rows are read in growing chunks: a page of long messages stops at the byte budget after a few dozen
    // rows, and should not have read a thousand (12 MB of them) to use those.
    for (let chunkNo = 0; left > 0; chunkNo++) {
      const want = Math.min(left, SCAN_CHUNKS[chunkNo] ?? left);
      const chunk = await store.events.after(cursor, want);
      for (const e of chunk) {
        // Appended by another process and not published yet: delivered live once the commit queue absorbs
        // it, so a page must not account for it (nor anything after it).
        if (e.order > head) return exhausted();
        // A retention tombstone (its content expired): accounted for by `through`, never sent, like a hidden event.
        if ((e.type as string) === 'expired' || !view.canSeeEvent(userId, e)) continue;
        events.push(e);
        bytes += Buffer.byteLength(e.dataJson);
        // Counted in bytes as well as rows: 1000 long messages would make one frame of several MB, which a
        // client on a slow link cannot drain before the send-buffer cap or the close grace runs out.
        if (bytes >= maxBytes) return { events, through: e.order, more: e.order < head, snapshotRequired: false };
      }
      if (chunk.length < want) return exhausted();
      left -= chunk.length;
      cursor = chunk[chunk.length - 1]!.order;
    }
    return { events, through: cursor, more: cursor < head, snapshotRequired: false };
  }
}
