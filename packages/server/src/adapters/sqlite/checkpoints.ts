import fs from 'node:fs';

export type CheckpointMode = 'PASSIVE' | 'RESTART' | 'TRUNCATE';

/** What `PRAGMA wal_checkpoint` reports: frames in the WAL and how many of them are now in the database file. */
export interface CheckpointResult {
  /** Another connection held a lock the mode needed: only what could be done without waiting was done. */
  busy: boolean;
  walFrames: number;
  checkpointedFrames: number;
}

/** Checkpoints off the event loop (a worker thread with its own connection): PASSIVE only. */
export interface BackgroundCheckpointer {
  passive(): Promise<CheckpointResult | null>;
  close(): void;
}

/*
 * WAL checkpoints. Each one copies pages into the database file and fsyncs it, so they are rationed.
 *
 * With a background checkpointer (a file database) and a -wal file of BACKGROUND_FROM_BYTES or more: while
 * writes continue, a PASSIVE checkpoint runs off the event loop at most once per CHECKPOINT_INTERVAL_MS, or every CHECKPOINT_MIN_GAP_MS while more than
 * WAL_CHECKPOINT_BYTES are in the -wal file, one at a time. Copying and fsyncing then costs the event loop
 * nothing: a burst of writes (a retention sweep) no longer stalls live acknowledgements behind its
 * checkpoints. A PASSIVE checkpoint that copied every frame lets the next commit start the log again from its
 * beginning (and cut it to journal_size_limit). Under steady writes some commit lands during nearly every pass,
 * so once the log has grown past WAL_CHECKPOINT_BYTES since its last restart, the main thread follows a pass
 * with a RESTART that copies only what was committed during it.
 *
 * Without one (or if it fails, or for a smaller file): on the main thread, in a later turn than the commit, RESTART mode at most one
 * per CHECKPOINT_INTERVAL_MS so the next commit reuses the -wal file from its start (overwriting allocated
 * blocks is cheaper to fsync than growing the file); with more than WAL_CHECKPOINT_BYTES piled up, sooner
 * (never within CHECKPOINT_MIN_GAP_MS of the last) and TRUNCATE to zero.
 *
 * Both stay under the 8 MiB automatic backstop (which would run inside a commit). When a reader in another
 * process holds the WAL, a checkpoint does what it can without waiting and the spacing still applies, so a
 * long backup never turns every batch into a checkpoint. When writes stop, an idle timer folds in the rest
 * (in the background first, so the main thread's final TRUNCATE has little left to copy) and shrinks the
 * -wal file to zero.
 */
const WAL_CHECKPOINT_BYTES = 4 * 1024 * 1024;
const CHECKPOINT_INTERVAL_MS = 1000;
const CHECKPOINT_MIN_GAP_MS = 100;
const IDLE_CHECKPOINT_MS = 10_000;
/**
 * A -wal file smaller than this is checkpointed on the main thread even with a worker: copying it takes a few
 * ms, and a server with light traffic (every test's) never starts the thread.
 */
const BACKGROUND_FROM_BYTES = 1024 * 1024;
/** WAL_CHECKPOINT_BYTES in frames of the database's 4 KiB pages: the log's length since its last restart. */
const WAL_RESTART_FRAMES = WAL_CHECKPOINT_BYTES / 4096;

/** Decides when to checkpoint; runs them in a later turn than the commit, so no acknowledgement waits for one. */
export class CheckpointRationer {
  private scheduled = false;
  private stopped = false;
  private lastAt = -Infinity;
  /** Commits since the last complete checkpoint. */
  private walDirty = false;
  /** Commits so far: a background checkpoint is complete only if none came while it ran. */
  private commits = 0;
  /** The background checkpoint in flight. */
  private inFlight: Promise<void> | null = null;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly walPath: string,
    private readonly run: (mode: CheckpointMode) => CheckpointResult | null,
    private readonly onError: (error: unknown) => void,
    private background: BackgroundCheckpointer | null = null,
  ) {}

  /** After a commit: checkpoint in a later turn (or in the background) if one is due (see above). */
  committed(): void {
    this.walDirty = true;
    this.commits++;
    if (this.scheduled || this.inFlight || this.stopped) return;
    const since = performance.now() - this.lastAt;
    if (since < CHECKPOINT_MIN_GAP_MS) return;
    const bytes = this.walBytes();
    const big = bytes >= WAL_CHECKPOINT_BYTES;
    if (!big && since < CHECKPOINT_INTERVAL_MS) return;
    if (this.background && bytes >= BACKGROUND_FROM_BYTES) {
      void this.inBackground();
      return;
    }
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.stopped) this.checkpoint(big ? 'TRUNCATE' : 'RESTART');
    });
  }

  /**
   * A checkpoint of `mode` on the main thread once every background one has finished (a TRUNCATE cannot
   * run while another connection checkpoints): first a PASSIVE one in the background, so that what is left
   * to copy on the event loop is only what was committed meanwhile.
   */
  async settle(mode: CheckpointMode): Promise<CheckpointResult | null> {
    if (this.background && !this.stopped && this.walBytes() >= BACKGROUND_FROM_BYTES) {
      while (this.inFlight) await this.inFlight;
      await this.inBackground();
    }
    while (this.inFlight) await this.inFlight;
    // No await from here: nothing can start another background checkpoint before this one.
    this.lastAt = performance.now();
    const r = this.run(mode);
    if (r) this.walDirty = r.busy || r.checkpointedFrames < r.walFrames;
    return r;
  }

  /** Start the idle timer; `busy` says whether writes are waiting to be committed (then it skips a round). */
  startIdleTimer(busy: () => boolean): void {
    if (this.idleTimer) return;
    this.idleTimer = setInterval(() => {
      if (this.stopped || busy() || this.scheduled || this.inFlight || !this.walDirty) return;
      if (!this.background || this.walBytes() < BACKGROUND_FROM_BYTES) {
        this.checkpoint('TRUNCATE');
        return;
      }
      void this.inBackground().then(() => {
        // Still idle: cut the file to zero (little or nothing left to copy on this thread).
        if (!this.stopped && !busy() && !this.inFlight && this.walDirty) this.checkpoint('TRUNCATE');
      });
    }, IDLE_CHECKPOINT_MS);
    this.idleTimer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.idleTimer) clearInterval(this.idleTimer);
    this.idleTimer = null;
    // Waits for a checkpoint in flight to let go of the file, so the caller's connection can close last.
    this.background?.close();
  }

  /** One PASSIVE checkpoint in the background (settles, never rejects). */
  private inBackground(): Promise<void> {
    const bg = this.background;
    if (!bg || this.stopped) return Promise.resolve();
    this.lastAt = performance.now();
    const commitsBefore = this.commits;
    const done = bg.passive().then(
      (r) => {
        if (!r) return;
        this.walDirty = this.commits !== commitsBefore || r.busy || r.checkpointedFrames < r.walFrames;
        // Under steady writes a commit lands while nearly every background pass runs, so the log never finds
        // itself fully copied and would only grow: past the threshold, the main thread copies what is left
        // (only what was committed during the pass) and restarts the log from its beginning.
        if (this.walDirty && r.walFrames >= WAL_RESTART_FRAMES && !this.stopped) this.checkpoint('RESTART');
      },
      (error: unknown) => {
        // The worker could not run (or died): report it once and checkpoint on the main thread from now on.
        this.onError(error);
        this.background = null;
        bg.close();
      },
    );
    const tracked: Promise<void> = done.finally(() => {
      if (this.inFlight === tracked) this.inFlight = null;
    });
    this.inFlight = tracked;
    return tracked;
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
