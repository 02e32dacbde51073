import { ProtocolError } from '@open-discord/protocol';
import type { CheckpointMode, NewEvent, StoredEvent, Store } from '../store/store.js';
import { ACCESS_EVENT_TYPES, type AccessIndex } from './access.js';
import type { Log } from './deps.js';

/** An event as a service describes it; the queue adds id and time, the store the order. */
export interface EventSpec {
  type: string;
  roomId: string | null;
  actorId: string | null;
  targetUserId?: string | null;
}

/** Handed to each write while it runs inside the batch transaction. */
export interface WriteContext {
  /** Append an event; `data` may be a function of the event's order. */
  emit(spec: EventSpec, data: unknown | ((order: number) => unknown)): StoredEvent;
  /** Run after the batch commits and its events are published (e.g. close a logged-out user's sockets). */
  afterCommit(fn: () => void): void;
  /** The batch's clock reading. */
  now: number;
}

export type Publisher = (events: readonly StoredEvent[]) => void;

interface Pending {
  work: (w: WriteContext) => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/** SQLite result codes that mean "the storage is unwell", not "this request is wrong". */
const STORAGE_FAULTS = /^SQLITE_(FULL|IOERR|READONLY|BUSY|LOCKED|CANTOPEN|NOMEM|CORRUPT|NOTADB|PROTOCOL)/;

/*
 * WAL checkpoints. Each one copies pages into the database file and fsyncs it on the main thread, so they
 * are rationed: while writes continue, at most one per CHECKPOINT_INTERVAL_MS, in RESTART mode so the next
 * commit reuses the -wal file from its start (overwriting allocated blocks is cheaper to fsync than
 * growing the file). If more than WAL_CHECKPOINT_BYTES pile up in between, the next checkpoint comes
 * sooner (but never within CHECKPOINT_MIN_GAP_MS of the last) and TRUNCATEs the file back to zero. Both
 * stay well under the 8 MiB automatic backstop (which would run inside a commit). When a reader in another
 * process holds the WAL, a checkpoint does what it can without waiting and the spacing still applies, so a
 * long backup never turns every batch into a checkpoint.
 */
const WAL_CHECKPOINT_BYTES = 4 * 1024 * 1024;
const CHECKPOINT_INTERVAL_MS = 1000;
const CHECKPOINT_MIN_GAP_MS = 100;

const unavailable = () => new ProtocolError('UNAVAILABLE', 'the server could not store this change; retry later');

/**
 * GROUP COMMIT. Writes submitted in the same event-loop turn run in ONE transaction at setImmediate,
 * each in its own savepoint so one failing request does not abort the others. After COMMIT the batch's
 * events are published (in order), then each request is answered: a request is acknowledged only once
 * it is durable, and a client never gets a reply before the events it caused.
 *
 * If the commit itself fails (disk full, read-only), every request in the batch gets UNAVAILABLE and
 * nothing is published; the queue keeps working once the fault clears.
 */
export class CommitQueue {
  private pending: Pending[] = [];
  private scheduled = false;
  private closed = false;
  private publisher: Publisher = () => {};
  private checkpointScheduled = false;
  private lastCheckpointAt = -Infinity;
  /** Commits since the last complete checkpoint. */
  private walDirty = false;
  private _head: number;

  constructor(
    private readonly store: Store,
    private readonly access: AccessIndex,
    private readonly now: () => number,
    private readonly newId: () => string,
    private readonly log: Log,
  ) {
    this._head = store.events.head();
  }

  /** The newest committed (and published) order. */
  get head(): number {
    return this._head;
  }

  setPublisher(p: Publisher): void {
    this.publisher = p;
  }

  submit<T>(work: (w: WriteContext) => T): Promise<T> {
    if (this.closed) return Promise.reject(new ProtocolError('UNAVAILABLE', 'the server is shutting down'));
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.runBatch());
      }
    });
  }

  /** Commit whatever is queued now, then refuse new writes (graceful shutdown). */
  close(): void {
    this.runBatch();
    this.closed = true;
  }

  private runBatch(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;

    const batchNow = this.now();
    let foreign: StoredEvent[] = [];
    const events: StoredEvent[] = [];
    const succeeded: Array<{ p: Pending; result: unknown; after: Array<() => void> }> = [];
    const failed: Array<{ p: Pending; error: unknown }> = [];
    try {
      this.store.transaction(() => {
        // Holding the write lock now, pick up anything another process (the operator's command line)
        // appended since our last look, so it is published before, and never hidden behind, our own events.
        foreign = this.foreignEvents();
        for (const p of batch) {
          // SQLite may have rolled the whole transaction back on an I/O error; never let the rest of the
          // batch run in autocommit mode.
          if (!this.store.inTransaction) throw new Error('transaction lost');
          const local: StoredEvent[] = [];
          const after: Array<() => void> = [];
          try {
            const result = this.store.transaction(() => p.work(this.context(local, after, batchNow)));
            succeeded.push({ p, result, after });
            events.push(...local);
          } catch (error) {
            this.access.invalidate(); // the savepoint rolled back: drop anything cached from it
            if (!this.store.inTransaction) throw error;
            failed.push({ p, error: this.requestError(error) });
          }
        }
      });
    } catch (error) {
      this.log({ level: 'error', msg: 'commit failed', error: describe(error), batch: batch.length });
      this.access.invalidate();
      this.reconcileHead();
      for (const p of batch) p.reject(unavailable());
      return;
    }

    events.unshift(...foreign);
    if (events.length) this._head = events[events.length - 1]!.order;
    if (events.some((e) => ACCESS_EVENT_TYPES.has(e.type))) this.access.invalidate();
    this.safely('publish', () => this.publisher(events));
    for (const s of succeeded) for (const fn of s.after) this.safely('afterCommit', fn);
    for (const s of succeeded) s.p.resolve(s.result);
    for (const f of failed) f.p.reject(f.error);
    this.scheduleCheckpoint();
  }

  /** After a commit: checkpoint in a later turn (no reply waits for it) if one is due; see above. */
  private scheduleCheckpoint(): void {
    this.walDirty = true;
    if (this.checkpointScheduled) return;
    const since = performance.now() - this.lastCheckpointAt;
    if (since < CHECKPOINT_MIN_GAP_MS) return;
    const big = this.store.walBytes() >= WAL_CHECKPOINT_BYTES;
    if (!big && since < CHECKPOINT_INTERVAL_MS) return;
    this.checkpointScheduled = true;
    setImmediate(() => {
      this.checkpointScheduled = false;
      if (!this.closed) this.checkpoint(big ? 'TRUNCATE' : 'RESTART');
    });
  }

  /** For an idle timer: fold in whatever the last writes left and shrink the -wal file to zero. */
  checkpointIfIdle(): void {
    if (this.closed || this.scheduled || this.checkpointScheduled || !this.walDirty) return;
    this.checkpoint('TRUNCATE');
  }

  private checkpoint(mode: CheckpointMode): void {
    if (!this.store.db.open) return;
    this.lastCheckpointAt = performance.now();
    this.safely('checkpoint', () => {
      const r = this.store.checkpoint(mode);
      // Done only if every frame reached the database file; else a later checkpoint must finish the job.
      this.walDirty = r.busy || r.checkpointedFrames < r.walFrames;
    });
  }

  private context(local: StoredEvent[], after: Array<() => void>, now: number): WriteContext {
    return {
      now,
      emit: (spec, data) => {
        const ev: Omit<NewEvent, 'data'> = {
          id: this.newId(),
          type: spec.type,
          roomId: spec.roomId,
          actorId: spec.actorId,
          targetUserId: spec.targetUserId ?? null,
          createdAt: now,
        };
        const stored = this.store.events.append(ev, data);
        // Later requests in the same batch must see the new access rules at once.
        if (ACCESS_EVENT_TYPES.has(spec.type)) this.access.invalidate();
        local.push(stored);
        return stored;
      },
      afterCommit: (fn) => after.push(fn),
    };
  }

  private requestError(error: unknown): unknown {
    if (error instanceof ProtocolError) return error;
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && STORAGE_FAULTS.test(code)) return unavailable();
    if (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT')) {
      return new ProtocolError('CONFLICT', 'that conflicts with an existing record');
    }
    this.log({ level: 'error', msg: 'request failed', error: describe(error) });
    return new ProtocolError('INTERNAL', 'internal error');
  }

  /**
   * Events appended to the database by another process (the `od-server` command line acting as the
   * operator) after our head. Our caches may be stale with them, so the access index is dropped.
   */
  private foreignEvents(): StoredEvent[] {
    const dbHead = this.store.events.head();
    if (dbHead <= this._head) return [];
    this.access.invalidate();
    return this.store.events.range(this._head, dbHead);
  }

  /**
   * Publish events another process appended, when idle (a timer calls this; writes do it at each batch).
   * Cheap when there is nothing new: one MAX(event_order) lookup on the primary key.
   */
  absorbForeign(): void {
    if (this.closed || this.scheduled || !this.store.db.open) return;
    try {
      const missed = this.foreignEvents();
      if (missed.length === 0) return;
      this._head = missed[missed.length - 1]!.order;
      this.safely('publish', () => this.publisher(missed));
    } catch (error) {
      this.log({ level: 'error', msg: 'foreign event check failed', error: describe(error) });
    }
  }

  /**
   * After a failed commit the log should be where it was. If it is not (a write escaped the
   * transaction), publish what is there so live connections' accounting never skips real events.
   */
  private reconcileHead(): void {
    try {
      const dbHead = this.store.events.head();
      if (dbHead > this._head) {
        const missed = this.store.events.range(this._head, dbHead);
        this._head = dbHead;
        this.safely('publish', () => this.publisher(missed));
      }
    } catch (error) {
      this.log({ level: 'error', msg: 'head check failed', error: describe(error) });
    }
  }

  private safely(what: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.log({ level: 'error', msg: `${what} failed`, error: describe(error) });
    }
  }
}

export function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
