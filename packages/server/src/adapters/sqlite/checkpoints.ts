import fs from 'node:fs';

export type CheckpointMode = 'PASSIVE' | 'RESTART' | 'TRUNCATE';

/** What `PRAGMA wal_checkpoint` reports: frames in the WAL and how many of them are now in the database file. */
export interface CheckpointResult {
  /** Another connection held a lock the mode needed: only what could be done without waiting was done. */
  busy: boolean;
  walFrames: number;
  checkpointedFrames: number;
}

/*
 * WAL checkpoints. Each one copies pages into the database file and fsyncs it on the main thread, so they
 * are rationed: while writes continue, at most one per CHECKPOINT_INTERVAL_MS, in RESTART mode so the next
 * commit reuses the -wal file from its start (overwriting allocated blocks is cheaper to fsync than
 * growing the file). If more than WAL_CHECKPOINT_BYTES pile up in between, the next checkpoint comes
 * sooner (but never within CHECKPOINT_MIN_GAP_MS of the last) and TRUNCATEs the file back to zero. Both
 * stay well under the 8 MiB automatic backstop (which would run inside a commit). When a reader in another
 * process holds the WAL, a checkpoint does what it can without waiting and the spacing still applies, so a
 * long backup never turns every batch into a checkpoint. When writes stop, an idle timer folds in the rest
 * and shrinks the -wal file to zero.
 */
const WAL_CHECKPOINT_BYTES = 4 * 1024 * 1024;
const CHECKPOINT_INTERVAL_MS = 1000;
const CHECKPOINT_MIN_GAP_MS = 100;
const IDLE_CHECKPOINT_MS = 10_000;

/** Decides when to checkpoint; runs them in a later turn than the commit, so no acknowledgement waits for one. */
export class CheckpointRationer {
  private scheduled = false;
  private stopped = false;
  private lastAt = -Infinity;
  /** Commits since the last complete checkpoint. */
  private walDirty = false;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly walPath: string,
    private readonly run: (mode: CheckpointMode) => CheckpointResult | null,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** After a commit: checkpoint in a later turn if one is due (see above). */
  committed(): void {
    this.walDirty = true;
    if (this.scheduled) return;
    const since = performance.now() - this.lastAt;
    if (since < CHECKPOINT_MIN_GAP_MS) return;
    const big = this.walBytes() >= WAL_CHECKPOINT_BYTES;
    if (!big && since < CHECKPOINT_INTERVAL_MS) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.stopped) this.checkpoint(big ? 'TRUNCATE' : 'RESTART');
    });
  }

  /** Start the idle timer; `busy` says whether writes are waiting to be committed (then it skips a round). */
  startIdleTimer(busy: () => boolean): void {
    if (this.idleTimer) return;
    this.idleTimer = setInterval(() => {
      if (this.stopped || busy() || this.scheduled || !this.walDirty) return;
      this.checkpoint('TRUNCATE');
    }, IDLE_CHECKPOINT_MS);
    this.idleTimer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.idleTimer) clearInterval(this.idleTimer);
    this.idleTimer = null;
  }

  private checkpoint(mode: CheckpointMode): void {
    this.lastAt = performance.now();
    try {
      const r = this.run(mode);
      if (!r) return; // the database is closed
      // Done only if every frame reached the database file; else a later checkpoint must finish the job.
      this.walDirty = r.busy || r.checkpointedFrames < r.walFrames;
    } catch (error) {
      this.onError(error);
    }
  }

  /** Current size of the -wal file in bytes (0 when absent). */
  private walBytes(): number {
    return fs.statSync(this.walPath, { throwIfNoEntry: false })?.size ?? 0;
  }
}
