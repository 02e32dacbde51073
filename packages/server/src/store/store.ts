import fs from 'node:fs';
import { CredentialsRepo } from './credentials-repo.js';
import { BUSY_TIMEOUT_MS, openDatabase, type Db, type Synchronous } from './db.js';
import { EventsRepo } from './events-repo.js';
import { MessagesRepo } from './messages-repo.js';
import { RolesRepo } from './roles-repo.js';
import { RoomsRepo } from './rooms-repo.js';
import { UsersRepo } from './users-repo.js';

export type CheckpointMode = 'PASSIVE' | 'RESTART' | 'TRUNCATE';

/** What `PRAGMA wal_checkpoint` reports: frames in the WAL and how many of them are now in the database file. */
export interface CheckpointResult {
  /** Another connection held a lock the mode needed: only what could be done without waiting was done. */
  busy: boolean;
  walFrames: number;
  checkpointedFrames: number;
}

/**
 * The server's persistent state: one SQLite database and a repository per concern, each with its
 * prepared statements cached. Every write must happen inside `transaction` (nested calls become savepoints).
 */
export class Store {
  readonly users: UsersRepo;
  readonly credentials: CredentialsRepo;
  readonly roles: RolesRepo;
  readonly rooms: RoomsRepo;
  readonly messages: MessagesRepo;
  readonly events: EventsRepo;
  private readonly tx: { (fn: () => unknown): unknown; immediate(fn: () => unknown): unknown };
  private readonly metaGet;
  private readonly metaSet;
  private readonly walPath: string;

  constructor(readonly db: Db) {
    this.users = new UsersRepo(db);
    this.credentials = new CredentialsRepo(db);
    this.roles = new RolesRepo(db);
    this.rooms = new RoomsRepo(db);
    this.messages = new MessagesRepo(db);
    this.events = new EventsRepo(db);
    this.walPath = `${db.name}-wal`;
    this.tx = db.transaction((fn: () => unknown) => fn());
    this.metaGet = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
    this.metaSet = db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
  }

  static open(dataDir: string, opts: { synchronous?: Synchronous } = {}): Store {
    return new Store(openDatabase(dataDir, opts));
  }

  /**
   * Run `fn` in a transaction (BEGIN IMMEDIATE, so a concurrent CLI writer makes us wait on busy_timeout
   * rather than fail mid-transaction), or in a savepoint when already inside one.
   */
  transaction<T>(fn: () => T): T {
    return this.tx.immediate(fn) as T;
  }

  get inTransaction(): boolean {
    return this.db.inTransaction;
  }

  meta(key: string): string | null {
    return this.metaGet.get(key)?.value ?? null;
  }
  setMeta(key: string, value: string): void {
    this.metaSet.run(key, value);
  }

  /**
   * Fold the WAL back into the main file without ever waiting: busy_timeout is 0 for the call, so a reader
   * or writer in another process (a backup, the operator's command line) makes the checkpoint do what it
   * can and report `busy` instead of blocking the event loop for up to busy_timeout.
   *
   * RESTART also makes the next writer start again at the beginning of the -wal file, so the file is reused
   * instead of growing; TRUNCATE additionally cuts it to zero bytes.
   */
  checkpoint(mode: CheckpointMode = 'PASSIVE'): CheckpointResult {
    this.db.pragma('busy_timeout = 0');
    try {
      const row = this.db.pragma(`wal_checkpoint(${mode})`, { simple: false }) as Array<{
        busy: number;
        log: number;
        checkpointed: number;
      }>;
      const r = row[0] ?? { busy: 0, log: 0, checkpointed: 0 };
      return { busy: r.busy !== 0, walFrames: r.log, checkpointedFrames: r.checkpointed };
    } finally {
      this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    }
  }

  /** Current size of the -wal file in bytes (0 when absent). */
  walBytes(): number {
    return fs.statSync(this.walPath, { throwIfNoEntry: false })?.size ?? 0;
  }

  close(): void {
    if (this.db.open) {
      try {
        this.db.pragma('wal_checkpoint(TRUNCATE)');
      } catch {
        // A failed checkpoint only leaves a larger WAL; the data is safe. Closing matters more.
      }
      this.db.close();
    }
  }
}

export type { Db, Synchronous };
export type { StoredEvent, NewEvent, UserRow, RoomRow, MessageRow, RemovalReason } from './rows.js';
export { nicknameKey } from './nickname-key.js';
export { eventJson } from './events-repo.js';
export { messageToWire, UNREAD_COUNT_CAP } from './messages-repo.js';
export { OWNER_ROLE, ADMIN_ROLE, EVERYONE_ROLE } from './roles-repo.js';
export type { InviteRow, RefreshTokenRow } from './credentials-repo.js';
