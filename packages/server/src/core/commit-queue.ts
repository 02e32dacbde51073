import { AsyncLocalStorage } from 'node:async_hooks';
import type { EventType } from '@open-discord/protocol';
import { ProtocolError } from '@open-discord/protocol';
import type { EventBus } from '../ports/event-bus.js';
import {
  type BatchResult,
  type BatchStep,
  type EventPayload,
  type Storage,
  StorageConflict,
  StorageUnavailable,
  type StoredEvent,
  type StoredEventOf,
  type UnitOfWork,
} from '../ports/storage.js';
import type { Awaitable } from '../ports/awaitable.js';
import type { AccessIndex } from './access.js';
import type { Log } from './deps.js';

/** An event as a service describes it; the queue adds id and time, the storage the order. */
export interface EventSpec<T extends EventType> {
  type: T;
  roomId: string | null;
  actorId: string | null;
  targetUserId?: string | null;
}

/** A privileged action as the audit log records it (features/audit); the step adds the time. */
export interface AuditNote {
  /** Null: the server operator (`od-server`). */
  actorId: string | null;
  /** The request it was (`member.ban`), or an operator or server action (`invite.create`, `data.export`). */
  action: string;
  targetUserId: string | null;
  roomId: string | null;
  detail: Record<string, unknown>;
}

/** The privileged action a request is performing: its first write that commits records it. */
interface AuditScope {
  note: AuditNote;
  /** Set once a step carrying it committed: a request's later writes do not record it again. */
  recorded: boolean;
}

/** Handed to each write while it runs inside the batch's unit of work. */
export interface WriteContext {
  /**
   * Record a privileged action in the audit log, in this step: the entry commits (or is undone) with the
   * action. For actions a service judges itself (a moderator deleting someone else's message).
   */
  audit(note: AuditNote): Promise<void>;
  /** Append an event of a protocol type with that type's data; `data` may be a function of the event's order. */
  emit<T extends EventType>(spec: EventSpec<T>, data: EventPayload<T>): StoredEventOf<T>;
  /** Run after the batch commits and its events are published (e.g. close a logged-out user's sockets). */
  afterCommit(fn: () => void): void;
  /** The batch's clock reading. */
  now: number;
}

interface Pending {
  work: (w: WriteContext) => Awaitable<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  /** The audited action this write belongs to (see CommitQueue.audited), if any. */
  audit: AuditScope | undefined;
}

/** One request's writes in a batch: what it emitted and what runs after the commit. */
class Step implements BatchStep {
  readonly events: StoredEvent[] = [];
  readonly after: Array<() => void> = [];

  constructor(
    readonly pending: Pending,
    readonly now: number,
    private readonly queue: {
      context(uow: UnitOfWork, step: Step): WriteContext;
      rolledBack(): void;
      appendAudit(note: AuditNote, now: number): Awaitable<void>;
    },
  ) {}

  run(uow: UnitOfWork): Awaitable<unknown> {
    const scope = this.pending.audit;
    if (scope === undefined || scope.recorded) return this.pending.work(this.queue.context(uow, this));
    return this.runAudited(uow, scope.note);
  }

  /** The action, then its audit entry, in the same step: both commit or neither does. */
  private async runAudited(uow: UnitOfWork, note: AuditNote): Promise<unknown> {
    const value = await this.pending.work(this.queue.context(uow, this));
    await this.queue.appendAudit(note, this.now);
    return value;
  }

  /** It threw and its writes were undone: forget what it emitted, and drop anything cached from it. */
  rolledBack(): void {
    this.events.length = 0;
    this.after.length = 0;
    this.queue.rolledBack();
  }
}

const unavailable = () => new ProtocolError('UNAVAILABLE', 'the server could not store this change; retry later');

/**
 * GROUP COMMIT. Writes submitted in the same event-loop turn run as ONE unit of work of the storage port at
 * setImmediate, each in its own step so one failing request does not abort the others. After COMMIT the
 * batch's events are published on the event bus (in order), then each request is answered: a request is
 * acknowledged only once it is durable, and a client never gets a reply before the events it caused.
 * Batches run one at a time: writes submitted while one is in flight form the next.
 *
 * If the commit itself fails (disk full, read-only), every request in the batch gets UNAVAILABLE and
 * nothing is published; the queue keeps working once the fault clears.
 *
 * It sees only the ports: storage (unit of work, log reads) and the event bus.
 */
export class CommitQueue {
  private pending: Pending[] = [];
  private scheduled = false;
  /** A batch is in flight (from its first step until its replies): the next one waits. */
  private inFlight = false;
  /** Settles when the batch in flight has been answered (close() waits for it). */
  private settled: Promise<void> = Promise.resolve();
  private closed = false;
  private _head: number;
  /** The audited action the code submitting a write is performing (set by `audited`). */
  private readonly auditScope = new AsyncLocalStorage<AuditScope>();
  /** Audited actions running now (the scope is switched off when none is). */
  private auditing = 0;

  constructor(
    private readonly storage: Storage,
    private readonly bus: EventBus,
    private readonly access: AccessIndex,
    /** Event types whose commit changes who may see what (declared by the features). */
    private readonly visibilityEvents: ReadonlySet<string>,
    private readonly now: () => number,
    private readonly newId: () => string,
    private readonly log: Log,
    /** The log's head when the server starts (read by the composition root). */
    head: number,
  ) {
    this._head = head;
  }

  /** The newest committed (and published) order. */
  get head(): number {
    return this._head;
  }

  /** Writes are waiting for this turn's batch. */
  get busy(): boolean {
    return this.scheduled || this.inFlight;
  }

  submit<T>(work: (w: WriteContext) => Awaitable<T>): Promise<T> {
    if (this.closed) return Promise.reject(new ProtocolError('UNAVAILABLE', 'the server is shutting down'));
    const audit = this.auditScope.getStore();
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve: resolve as (v: unknown) => void, reject, audit });
      if (!this.scheduled) {
        this.scheduled = true;
        this.schedule();
      }
    });
  }

  /**
   * Run `fn` (a privileged request's handler) so that the first of its writes that commits also records `note`
   * in the audit log, in the same step: the action and its entry commit together, or neither does. A handler
   * that fails before writing (refused, not found) records nothing.
   */
  audited<T>(note: AuditNote, fn: () => Promise<T>): Promise<T> {
    this.auditing++;
    let done: Promise<T>;
    try {
      done = this.auditScope.run({ note, recorded: false }, fn);
    } catch (error) {
      done = Promise.reject(error);
    }
    // Async context tracking slows every await in the process (by half, measured on Node 20) while it is on:
    // privileged actions are rare, so it is on only while one is running.
    return done.finally(() => {
      if (--this.auditing === 0) this.auditScope.disable();
    });
  }

  /**
   * The batch runs outside any request's audit scope: a write submitted from a publish or after-commit hook
   * must not be taken for part of whichever request happened to start the batch.
   */
  private schedule(): void {
    this.auditScope.exit(() => setImmediate(() => void this.runBatch()));
  }

  /** Commit whatever is queued now, then refuse new writes (graceful shutdown). */
  async close(): Promise<void> {
    await this.settled;
    const last = this.runBatch();
    this.closed = true;
    await last;
  }

  private runBatch(): Promise<void> {
    this.scheduled = false;
    // Batches commit one at a time, each knowing the head the previous one left; the one in flight
    // starts the next when it settles.
    if (this.inFlight) return this.settled;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return Promise.resolve();
    this.inFlight = true;
    this.settled = this.commit(batch).finally(() => {
      this.inFlight = false;
      // Writes submitted meanwhile (all before close(): it refuses later ones) form the next batch.
      if (this.pending.length && !this.scheduled && !this.closed) {
        this.scheduled = true;
        this.schedule();
      }
    });
    return this.settled;
  }

  private async commit(batch: Pending[]): Promise<void> {
    const batchNow = this.now();
    const steps = batch.map((p) => new Step(p, batchNow, this.stepHooks));
    let result: BatchResult;
    try {
      result = await this.storage.runBatch(this._head, steps, this.onForeign);
    } catch (error) {
      return this.batchFailed(steps, error);
    }
    await this.committed(steps, result);
  }

  private async committed(steps: readonly Step[], r: BatchResult): Promise<void> {
    const events: StoredEvent[] = [...r.foreign];
    for (let i = 0; i < steps.length; i++) if (r.outcomes[i]!.ok) events.push(...steps[i]!.events);
    if (events.some((e) => this.visibilityEvents.has(e.type))) this.access.invalidate();
    await this.publish(events);
    for (let i = 0; i < steps.length; i++) if (r.outcomes[i]!.ok) for (const fn of steps[i]!.after) this.safely('afterCommit', fn);
    for (let i = 0; i < steps.length; i++) {
      const o = r.outcomes[i]!;
      if (!o.ok) continue;
      const scope = steps[i]!.pending.audit;
      if (scope) scope.recorded = true;
      steps[i]!.pending.resolve(o.value);
    }
    for (let i = 0; i < steps.length; i++) {
      const o = r.outcomes[i]!;
      if (!o.ok) steps[i]!.pending.reject(this.requestError(o.error));
    }
  }

  /**
   * Publish committed events. Fan-out judges visibility with the loaded access rules, so they are loaded
   * first when a change dropped them (a load that fails is logged; fan-out then delivers room events to
   * no one rather than to the wrong people, and clients recover them by resuming).
   */
  private async publish(events: readonly StoredEvent[]): Promise<void> {
    if (events.length === 0) return;
    if (!this.access.current) {
      try {
        await this.access.view();
      } catch (error) {
        this.log({ level: 'error', msg: 'access rules could not be loaded', error: describe(error) });
      }
    }
    // The head moves in the same synchronous step as the publication: a session that reads it (to go live
    // after a replay page) can never be live at a head whose events are still to be published to it.
    this._head = events[events.length - 1]!.order;
    this.safely('publish', () => this.bus.publish(events));
  }

  private async batchFailed(steps: readonly Step[], error: unknown): Promise<void> {
    const cause = error instanceof StorageUnavailable && error.cause !== undefined ? error.cause : error;
    this.log({ level: 'error', msg: 'commit failed', error: describe(cause), batch: steps.length });
    this.access.invalidate();
    await this.reconcileHead();
    for (const step of steps) step.pending.reject(unavailable());
  }

  /** What each step calls back (one object per queue, not closures per request). */
  private readonly stepHooks = {
    context: (uow: UnitOfWork, step: Step) => this.context(uow, step),
    rolledBack: () => this.access.invalidate(),
    appendAudit: (note: AuditNote, now: number) => this.storage.audit.append({ at: now, ...note }),
  };

  /** Foreign events may change visibility: later steps must not judge by stale caches. */
  private readonly onForeign = (events: readonly StoredEvent[]) => {
    this.access.invalidate();
    for (const l of this.foreignListeners) l(events);
  };

  /** Caches of committed state kept from events (slowmode) learn foreign events before a batch's steps run. */
  private readonly foreignListeners: Array<(events: readonly StoredEvent[]) => void> = [];
  onForeignEvents(listener: (events: readonly StoredEvent[]) => void): void {
    this.foreignListeners.push(listener);
  }

  private context(uow: UnitOfWork, step: Step): WriteContext {
    const { now, events: local, after } = step;
    return {
      now,
      emit: (spec, data) => {
        const stored = uow.append(
          {
            id: this.newId(),
            type: spec.type,
            roomId: spec.roomId,
            actorId: spec.actorId,
            targetUserId: spec.targetUserId ?? null,
            createdAt: now,
          },
          data,
        );
        // Later requests in the same batch must see the new access rules at once.
        if (this.visibilityEvents.has(spec.type)) this.access.invalidate();
        local.push(stored as StoredEvent);
        return stored;
      },
      afterCommit: (fn) => after.push(fn),
      audit: async (note) => {
        await this.storage.audit.append({ at: now, ...note });
      },
    };
  }

  /** A step's error as the client sees it: the storage port's errors mapped to protocol codes. */
  private requestError(error: unknown): unknown {
    if (error instanceof ProtocolError) return error;
    if (error instanceof StorageUnavailable) return unavailable();
    if (error instanceof StorageConflict) return new ProtocolError('CONFLICT', 'that conflicts with an existing record');
    this.log({ level: 'error', msg: 'request failed', error: describe(error) });
    return new ProtocolError('INTERNAL', 'internal error');
  }

  /**
   * Publish events another process appended, when idle (the event bus says when to look; writes do it at
   * each batch). Cheap when there is nothing new: one head lookup. Runs as a batch of its own, so it
   * never overlaps one.
   */
  absorbForeign(): Promise<void> {
    if (this.closed || this.scheduled || this.inFlight) return Promise.resolve();
    this.inFlight = true;
    this.settled = this.catchUp('foreign event check failed').finally(() => {
      this.inFlight = false;
      if (this.pending.length && !this.scheduled && !this.closed) {
        this.scheduled = true;
        this.schedule();
      }
    });
    return this.settled;
  }

  /**
   * After a failed commit the log should be where it was. If it is not (a write escaped the
   * transaction), publish what is there so live connections' accounting never skips real events.
   */
  private reconcileHead(): Promise<void> {
    return this.catchUp('head check failed');
  }

  /** Publish whatever the log holds past our head (appended by another process, or escaped a failure). */
  private async catchUp(failure: string): Promise<void> {
    try {
      const dbHead = await this.storage.events.head();
      if (dbHead <= this._head) return;
      this.access.invalidate();
      const missed = await this.storage.events.range(this._head, dbHead);
      if (missed.length === 0) return;
      await this.publish(missed);
    } catch (error) {
      this.log({ level: 'error', msg: failure, error: describe(error) });
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
