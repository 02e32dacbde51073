import { ProtocolError } from '@open-discord/protocol';
import type { Storage } from '../../ports/storage.js';

export const QUOTA_WINDOW_MS = 24 * 60 * 60 * 1000;

interface Ledger {
  /** The user's stored uploads in the window, oldest first (this process's, and those before it started). */
  uploads: Array<{ at: number; size: number }>;
  /** Bytes of this user's uploads accepted by the quota and still being stored. */
  reserved: number;
}

/** Ledgers kept before those with nothing left in the window are dropped. */
const SWEEP_AT = 1000;

/** 1024-based, as `--upload-quota-mb` counts. */
function showBytes(bytes: number): string {
  for (const [unit, n] of [['GB', 1024 ** 3], ['MB', 1024 ** 2], ['KB', 1024]] as const) {
    if (bytes >= n) return `${Math.round((bytes / n) * 10) / 10} ${unit}`;
  }
  return `${bytes} bytes`;
}

/**
 * Bytes one user may upload in any 24 hours (a sliding window: each upload counts for a day after it
 * was stored). The window is read from the files table once per user per process (so it holds across a
 * restart), then kept here as uploads are stored; an upload accepted but still being processed is
 * reserved, so two at once cannot both slip under the last of the quota.
 */
export class UploadQuota {
  private readonly ledgers = new Map<string, Ledger>();
  /** Users whose window is being read, so two first uploads read it once. */
  private readonly loading = new Map<string, Promise<Ledger>>();

  constructor(
    private readonly store: Storage,
    /** null: no quota. */
    readonly bytes: number | null,
    private readonly now: () => number,
  ) {}

  /**
   * Reserve `size` bytes of the user's quota, or refuse: PAYLOAD_TOO_LARGE for a file larger than the
   * whole quota (it would never fit), RATE_LIMITED with the time until enough of the window has passed.
   * Returns the release function: call it once the upload is stored (with the stored row's time and
   * size, which is what counts from then on, as it will after a restart) or has failed (no argument).
   */
  async reserve(userId: string, size: number): Promise<(stored?: { at: number; size: number }) => void> {
    const quota = this.bytes;
    if (quota === null) return () => {};
    if (size > quota) throw new ProtocolError('PAYLOAD_TOO_LARGE', `the file is larger than the upload quota (${showBytes(quota)} a day)`);
    const ledger = await this.ledger(userId);
    // From here to the reservation nothing awaits, so concurrent uploads of one user see each other.
    const now = this.now();
    this.prune(ledger, now);
    let used = ledger.reserved;
    for (const u of ledger.uploads) used += u.size;
    const excess = used + size - quota;
    if (excess > 0) throw new ProtocolError('RATE_LIMITED', `upload quota reached (${showBytes(quota)} a day); try again later`, this.waitFor(ledger, excess, now));
    ledger.reserved += size;
    let done = false;
    return (stored) => {
      if (done) return;
      done = true;
      ledger.reserved -= size;
      if (stored === undefined) return;
      ledger.uploads.push(stored);
      // Two uploads stored out of the order they were stamped: keep the window sorted for prune and waitFor.
      const n = ledger.uploads.length;
      if (n > 1 && ledger.uploads[n - 2]!.at > stored.at) ledger.uploads.sort((a, b) => a.at - b.at);
    };
  }

  /** Refuse as `reserve` would, without reserving: a declared size, before the body is read. */
  async check(userId: string, size: number): Promise<void> {
    (await this.reserve(userId, size))();
  }

  /** How long until `excess` bytes of the window's uploads have aged out (a day if only reservations hold it). */
  private waitFor(ledger: Ledger, excess: number, now: number): number {
    let freed = 0;
    for (const u of ledger.uploads) {
      freed += u.size;
      if (freed >= excess) return Math.max(1, u.at + QUOTA_WINDOW_MS - now);
    }
    return QUOTA_WINDOW_MS;
  }

  private prune(ledger: Ledger, now: number): void {
    let n = 0;
    while (n < ledger.uploads.length && ledger.uploads[n]!.at + QUOTA_WINDOW_MS <= now) n++;
    if (n > 0) ledger.uploads.splice(0, n);
  }

  private async ledger(userId: string): Promise<Ledger> {
    const known = this.ledgers.get(userId);
    if (known) return known;
    if (this.ledgers.size >= SWEEP_AT) this.sweep();
    let pending = this.loading.get(userId);
    if (!pending) {
      pending = (async () => {
        const rows = await this.store.files.uploadsSince(userId, this.now() - QUOTA_WINDOW_MS);
        const ledger: Ledger = { uploads: rows.map((r) => ({ at: r.createdAt, size: r.size })), reserved: 0 };
        this.ledgers.set(userId, ledger);
        return ledger;
      })().finally(() => this.loading.delete(userId));
      this.loading.set(userId, pending);
    }
    return pending;
  }

  /** Forget users with nothing in the window (they read it again from storage next time). */
  sweep(): void {
    const now = this.now();
    for (const [userId, ledger] of this.ledgers) {
      this.prune(ledger, now);
      if (ledger.uploads.length === 0 && ledger.reserved === 0) this.ledgers.delete(userId);
    }
  }
}
