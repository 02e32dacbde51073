import fs from 'node:fs';
import { CredentialsRepo } from './credentials-repo.js';
import { openDatabase, type Db, type Synchronous } from './db.js';
import { EventsRepo } from './events-repo.js';
import { MessagesRepo } from './messages-repo.js';
import { RolesRepo } from './roles-repo.js';
import { RoomsRepo } from './rooms-repo.js';
import { UsersRepo } from './users-repo.js';

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

  constructor(readonly db: Db) {
    this.users = new UsersRepo(db);
    this.credentials = new CredentialsRepo(db);
    this.roles = new RolesRepo(db);
    this.rooms = new RoomsRepo(db);
    this.messages = new MessagesRepo(db);
    this.events = new EventsRepo(db);
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

  /** Fold the WAL back into the main file; called off the hot path (after a batch's replies, idle timer). */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(PASSIVE)');
  }

  /** Current size of the -wal file in bytes (0 when absent). */
  walBytes(): number {
    try {
      return fs.statSync(`${this.db.name}-wal`).size;
    } catch {
      return 0;
    }
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
