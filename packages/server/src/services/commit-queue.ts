import { ProtocolError } from '@open-discord/protocol';
import type { NewEvent, StoredEvent, Store } from '../store/store.js';
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

/** Checkpoint once the WAL holds this much (well under the 8 MiB automatic backstop). */
const WAL_CHECKPOINT_BYTES = 4 * 1024 * 1024;

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

  /**
   * Keep the WAL small by checkpointing once it passes WAL_CHECKPOINT_BYTES, in a later turn than the
   * commit so no reply waits for it (SQLite's automatic checkpoint would run inside the commit).
   */
  private scheduleCheckpoint(): void {
    if (this.checkpointScheduled) return;
    this.checkpointScheduled = true;
    setImmediate(() => {
      this.checkpointScheduled = false;
      if (this.closed || !this.store.db.open || this.store.walBytes() < WAL_CHECKPOINT_BYTES) return;
      this.safely('checkpoint', () => this.store.checkpoint());
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
