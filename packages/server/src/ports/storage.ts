import type { AuditRepository } from '../features/audit/repository.js';
import type { AppPasswordRepository } from '../features/account-security/app-password-repository.js';
import type { AccountSecurityRepository } from '../features/account-security/repository.js';
import type { EventType } from '@open-discord/protocol';
import type { CredentialsRepository, UsersRepository } from '../features/accounts/repository.js';
import type { CategoriesRepository } from '../features/categories/repository.js';
import type { ConversationsRepository } from '../features/conversations/repository.js';
import type { FilesRepository } from '../features/files/repository.js';
import type { MessagesRepository } from '../features/messages/repository.js';
import type { ForumRepository } from '../features/forum/repository.js';
import type { InboxRepository } from '../features/inbox/repository.js';
import type { ReactionsRepository } from '../features/reactions/repository.js';
import type { VoiceRepository } from '../features/voice/repository.js';
import type { ReadMarkersRepository } from '../features/read-markers/repository.js';
import type { ThreadsRepository } from '../features/threads/repository.js';
import type { RolesRepository } from '../features/roles/repository.js';
import type { BlocksRepository } from '../features/blocks/repository.js';
import type { RoomSettingsRepository } from '../features/room-settings/repository.js';
import type { RoomsRepository } from '../features/rooms/repository.js';
import type { RetentionRepository } from '../features/retention/repository.js';
import type { SearchRepository } from '../features/search/repository.js';
import type { EventData, Json } from '../wire/types.js';
import type { Awaitable } from './awaitable.js';

/*
 * THE STORAGE PORT. What the commit queue and the features need from a storage engine; the SQLite adapter
 * (adapters/sqlite/) implements it. The contract (docs/architecture.md, "The two ports"):
 *
 * - Every repository and log call returns an Awaitable: the value itself from an engine in this process
 *   (SQLite), a promise from one over the network (PostgreSQL). Callers always await.
 * - Orders are gap-free and increasing: an event's order is assigned inside the unit of work that appends
 *   it, so a unit that does not commit leaves no hole and units commit in order order. `append` is
 *   synchronous because the unit holds the write lock and knows the head: an engine over the network
 *   assigns head + 1 in memory and may write the row with the step.
 * - A batch (`runBatch`) is one atomic unit of work; each step in it is its own sub-unit (a step that throws
 *   undoes only its own writes). The batch resolves only once it is durable: callers acknowledge after that.
 * - Repository calls made while a step runs belong to the batch's unit of work and see the writes of the
 *   steps before them (SQLite: one connection; a network engine routes them to the batch's transaction,
 *   e.g. by async context). Every other reader sees committed state only.
 * - A step does its slow work (password hashing, file I/O) before it is submitted, never inside: it holds
 *   the write lock while it runs.
 * - Other processes may append events too (the operator's command line today, other server nodes later);
 *   `runBatch` reports the ones committed after `knownHead` before running its own steps.
 */

/** One row of the event log, its payload kept as the JSON text it is stored as. */
export interface StoredEventOf<T extends EventType> {
  order: number;
  id: string;
  type: T;
  roomId: string | null;
  actorId: string | null;
  /** Set for private events (read.marked, access.changed): only that user may see them. */
  targetUserId: string | null;
  createdAt: number;
  dataJson: Json<EventData<T>>;
}

/** Any stored event; narrowing on `type` narrows `dataJson` too. */
export type StoredEvent = { [T in EventType]: StoredEventOf<T> }[EventType];

/** An event about to be appended: the unit of work assigns its order. */
export type NewEvent<T extends EventType> = Omit<StoredEventOf<T>, 'order' | 'dataJson'>;

/** Event data, or a function of the event's order for payloads that embed it (a message carries its order). */
export type EventPayload<T extends EventType> = EventData<T> | ((order: number) => EventData<T>);

/** The append-only log, read side (and the two content scrubs deletion and retention need). */
export interface EventLog {
  /** The newest committed order (0 when empty). */
  head(): Awaitable<number>;
  /** Up to `limit` events with order > after, ascending. */
  after(after: number, limit: number): Awaitable<StoredEvent[]>;
  get(order: number): Awaitable<StoredEvent | null>;
  /** Events with from < order <= to, ascending. */
  range(from: number, to: number): Awaitable<StoredEvent[]>;
  /**
   * Replace an event's payload: the one exception to append-only, to scrub a deleted message's text from the
   * events that carried it (order and type stay, so the log stays gap-free).
   */
  rewrite<T extends EventType>(order: number, type: T, data: EventData<T>): Awaitable<void>;
  /** Orders of the message.edited events of one message. */
  editsOf(roomId: string, messageOrder: number, messageId: string): Awaitable<number[]>;
}

/** What a step may do beyond the repositories: append to the log. */
export interface UnitOfWork {
  append<T extends EventType>(ev: NewEvent<T>, data: EventPayload<T>): StoredEventOf<T>;
}

/** One request's writes inside a batch. */
export interface BatchStep {
  run(uow: UnitOfWork): Awaitable<unknown>;
  /** The step threw and its writes were undone; called before the next step runs. */
  rolledBack(): void;
}

export type StepOutcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export interface BatchResult {
  /** Events other processes committed after `knownHead`, ascending; they come before this batch's own. */
  foreign: StoredEvent[];
  /** One per step, in order. Step errors are passed through, storage faults mapped to the errors below. */
  outcomes: StepOutcome[];
}

/** Every feature's repository, over one engine. */
export interface Repositories {
  users: UsersRepository;
  credentials: CredentialsRepository;
  roles: RolesRepository;
  rooms: RoomsRepository;
  categories: CategoriesRepository;
  messages: MessagesRepository;
  readMarkers: ReadMarkersRepository;
  reactions: ReactionsRepository;
  conversations: ConversationsRepository;
  roomSettings: RoomSettingsRepository;
  files: FilesRepository;
  threads: ThreadsRepository;
  search: SearchRepository;
  blocks: BlocksRepository;
  retention: RetentionRepository;
  accountSecurity: AccountSecurityRepository;
  audit: AuditRepository;
  appPasswords: AppPasswordRepository;
  forum: ForumRepository;
  inbox: InboxRepository;
  voice: VoiceRepository;
  events: EventLog;
}

export interface Storage extends Repositories {
  /**
   * Run a batch of steps as ONE unit of work (see the contract above). `onForeign` is called with the events
   * other processes committed after `knownHead`, before the first step runs (caches must be dropped). If the
   * unit cannot commit, it throws (or rejects with) StorageUnavailable and none of it happened.
   */
  runBatch(knownHead: number, steps: readonly BatchStep[], onForeign: (events: readonly StoredEvent[]) => void): Promise<BatchResult>;
  /**
   * A small write outside the request path (operator commands, the first-run invite): one unit of work,
   * committed when the promise resolves. Like a step, `fn` does no slow work while it holds the lock.
   */
  transaction<T>(fn: () => Awaitable<T>): Promise<T>;
  /** Background upkeep (SQLite: WAL checkpoints while idle); `busy` says whether writes are waiting. */
  startUpkeep(busy: () => boolean): void;
  /** No more upkeep: the server is shutting down. */
  stopUpkeep(): void;
  /** An online copy of the whole store to `file`, while the server keeps running. */
  backup(file: string, progress: (done: number, total: number) => void): Promise<void>;
  close(): Awaitable<void>;
}

/** The storage is unwell (disk full, I/O error, read-only, locked): the request may be retried later. */
export class StorageUnavailable extends Error {
  override readonly name = 'StorageUnavailable';
}

/** The write conflicts with an existing record (a uniqueness constraint). */
export class StorageConflict extends Error {
  override readonly name = 'StorageConflict';
}
