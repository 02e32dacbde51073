import { SqliteAuditRepo } from './audit-repo.js';
import { SqliteAppPasswordsRepo } from './app-passwords-repo.js';
import fs from 'node:fs';
import type {
  BatchResult,
  BatchStep,
  Storage,
  StepOutcome,
  StoredEvent,
} from '../../ports/storage.js';
import { StorageUnavailable } from '../../ports/storage.js';
import type { Awaitable } from '../../ports/awaitable.js';
import { SqliteAccountSecurityRepo } from './account-security-repo.js';
import { SqliteCategoriesRepo } from './categories-repo.js';
import { SqliteConversationsRepo } from './conversations-repo.js';
import { CheckpointWorker } from './checkpoint-worker.js';
import { type CheckpointMode, CheckpointRationer, type CheckpointResult } from './checkpoints.js';
import { SqliteCredentialsRepo } from './credentials-repo.js';
import { BUSY_TIMEOUT_MS, openDatabase, type Db, type Synchronous } from './db.js';
import { SqliteEventLog } from './events-repo.js';
import { classify } from './faults.js';
import { SqliteFilesRepo } from './files-repo.js';
import { SqliteMessagesRepo } from './messages-repo.js';
import { SqliteForumRepo } from './forum-repo.js';
import { SqliteInboxRepo } from './inbox-repo.js';
import { SqliteReactionsRepo } from './reactions-repo.js';
import { SqliteVoiceRepo } from './voice-repo.js';
import { SqliteReadMarkersRepo } from './read-markers-repo.js';
import { SqliteRetentionRepo } from './retention-repo.js';
import { SqliteThreadsRepo } from './threads-repo.js';
import { SqliteRolesRepo } from './roles-repo.js';
import { SqliteRoomSettingsRepo } from './room-settings-repo.js';
import { SqliteBlocksRepo } from './blocks-repo.js';
import { SqliteRoomsRepo } from './rooms-repo.js';
import { SqliteSearchRepo } from './search-repo.js';
import { SqliteUsersRepo } from './users-repo.js';

export interface SqliteOptions {
  synchronous?: Synchronous;
  /** Where checkpoint failures are reported (they never fail a request). */
  log?: (line: Record<string, unknown>) => void;
}

/**
 * The storage port on one SQLite file: a repository per feature with its prepared statements cached, the
 * event log, group-commit batches, WAL checkpoints and the online backup. Synchronous inside (better-sqlite3
 * is; a commit never yields the event loop), so `runBatch` returns its result directly.
 */
export class SqliteStorage implements Storage {
  readonly users: SqliteUsersRepo;
  readonly credentials: SqliteCredentialsRepo;
  readonly roles: SqliteRolesRepo;
  readonly rooms: SqliteRoomsRepo;
  readonly categories: SqliteCategoriesRepo;
  readonly messages: SqliteMessagesRepo;
  readonly readMarkers: SqliteReadMarkersRepo;
  readonly reactions: SqliteReactionsRepo;
  readonly conversations: SqliteConversationsRepo;
  readonly roomSettings: SqliteRoomSettingsRepo;
  readonly files: SqliteFilesRepo;
  readonly threads: SqliteThreadsRepo;
  readonly search: SqliteSearchRepo;
  readonly blocks: SqliteBlocksRepo;
  readonly retention: SqliteRetentionRepo;
  readonly accountSecurity: SqliteAccountSecurityRepo;
  readonly audit: SqliteAuditRepo;
  readonly appPasswords: SqliteAppPasswordsRepo;
  readonly forum: SqliteForumRepo;
  readonly inbox: SqliteInboxRepo;
  readonly voice: SqliteVoiceRepo;
  readonly events: SqliteEventLog;
  private readonly stmt: Record<'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollbackTo', { run(): unknown }>;
  /** The unit of work in progress (or the last one), which the next one waits for. */
  private lastUnit: Promise<void> = Promise.resolve();
  private readonly checkpoints: CheckpointRationer;

  constructor(
    readonly db: Db,
    opts: SqliteOptions = {},
  ) {
    this.users = new SqliteUsersRepo(db);
    this.credentials = new SqliteCredentialsRepo(db);
    this.roles = new SqliteRolesRepo(db);
    this.rooms = new SqliteRoomsRepo(db);
    this.categories = new SqliteCategoriesRepo(db);
    this.messages = new SqliteMessagesRepo(db);
    this.readMarkers = new SqliteReadMarkersRepo(db);
    this.reactions = new SqliteReactionsRepo(db);
    this.conversations = new SqliteConversationsRepo(db);
    this.roomSettings = new SqliteRoomSettingsRepo(db);
    this.files = new SqliteFilesRepo(db);
    this.threads = new SqliteThreadsRepo(db, this.messages);
    this.search = new SqliteSearchRepo(db);
    this.blocks = new SqliteBlocksRepo(db);
    // After a sweep: the whole log folded back (most of it off the event loop) and the -wal file cut to
    // nothing (no old page image stays).
    this.retention = new SqliteRetentionRepo(db, async () => (await this.checkpoints.settle('TRUNCATE'))?.busy === false);
    this.accountSecurity = new SqliteAccountSecurityRepo(db);
    this.audit = new SqliteAuditRepo(db);
    this.appPasswords = new SqliteAppPasswordsRepo(db);
    this.forum = new SqliteForumRepo(db);
    this.inbox = new SqliteInboxRepo(db);
    this.voice = new SqliteVoiceRepo(db);
    this.events = new SqliteEventLog(db);
    this.stmt = {
      begin: db.prepare('BEGIN IMMEDIATE'),
      commit: db.prepare('COMMIT'),
      rollback: db.prepare('ROLLBACK'),
      savepoint: db.prepare('SAVEPOINT step'),
      release: db.prepare('RELEASE step'),
      rollbackTo: db.prepare('ROLLBACK TO step'),
    };
    const log = opts.log ?? (() => {});
    this.checkpoints = new CheckpointRationer(
      `${db.name}-wal`,
      (mode) => (this.db.open ? this.checkpoint(mode) : null),
      (error) => log({ level: 'error', msg: 'checkpoint failed', error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }),
      // A file database: checkpoints copy and fsync on a worker thread of their own.
      db.memory || db.readonly ? null : new CheckpointWorker(db.name),
    );
  }

  static open(dataDir: string, opts: SqliteOptions = {}): SqliteStorage {
    return new SqliteStorage(openDatabase(dataDir, opts), opts);
  }

  /**
   * A small unit of work outside the request path: BEGIN IMMEDIATE (so a concurrent CLI writer makes us
   * wait on busy_timeout rather than fail mid-transaction), `fn`, COMMIT. Units never overlap: each waits
   * for the one before it (the connection has one transaction at a time).
   */
  transaction<T>(fn: () => Awaitable<T>): Promise<T> {
    return this.exclusive(async () => {
      const turn = turnProbe();
      this.stmt.begin.run();
      try {
        const value = await fn();
        turn.check();
        this.stmt.commit.run();
        return value;
      } catch (error) {
        if (this.db.inTransaction) this.stmt.rollback.run();
        throw error;
      } finally {
        turn.end();
      }
    });
  }

  get inTransaction(): boolean {
    return this.db.inTransaction;
  }

  /**
   * One BEGIN IMMEDIATE transaction for the batch, a savepoint per step. Holding the write lock, it first
   * picks up what another process (the operator's command line) appended after `knownHead`, so that is
   * published before, and never hidden behind, this batch's events. If SQLite drops the whole transaction
   * (an I/O error) or COMMIT fails, the batch rejects with StorageUnavailable and none of it happened.
   *
   * Steps await the repositories, which answer synchronously here: the whole batch runs in microtasks of
   * one event-loop turn, so no other reader on this connection can see its uncommitted writes.
   */
  runBatch(knownHead: number, steps: readonly BatchStep[], onForeign: (events: readonly StoredEvent[]) => void): Promise<BatchResult> {
    return this.exclusive(async () => {
      let foreign: StoredEvent[] = [];
      const outcomes: StepOutcome[] = [];
      const turn = turnProbe();
      try {
        this.stmt.begin.run();
        try {
          const dbHead = this.events.head();
          if (dbHead > knownHead) {
            foreign = this.events.range(knownHead, dbHead);
            onForeign(foreign);
          }
          for (const step of steps) {
            // SQLite may have rolled the whole transaction back on an I/O error; never let the rest of the
            // batch run in autocommit mode.
            if (!this.db.inTransaction) throw new Error('transaction lost');
            this.stmt.savepoint.run();
            try {
              const value = await step.run(this.events);
              turn.check();
              this.stmt.release.run();
              outcomes.push({ ok: true, value });
            } catch (error) {
              if (!this.db.inTransaction) throw error;
              this.stmt.rollbackTo.run();
              this.stmt.release.run();
              step.rolledBack();
              outcomes.push({ ok: false, error: classify(error) });
            }
          }
          this.stmt.commit.run();
        } catch (error) {
          if (this.db.inTransaction) this.stmt.rollback.run();
          throw error;
        }
      } catch (error) {
        throw new StorageUnavailable(error instanceof Error ? `${error.name}: ${error.message}` : String(error), { cause: error });
      } finally {
        turn.end();
      }
      this.checkpoints.committed();
      return { foreign, outcomes };
    });
  }

  /** Run `unit` after every earlier unit has settled. */
  private exclusive<T>(unit: () => Promise<T>): Promise<T> {
    const run = this.lastUnit.then(unit, unit);
    this.lastUnit = run.then(
      () => {},
      () => {},
    );
    return run;
  }

  startUpkeep(busy: () => boolean): void {
    this.checkpoints.startIdleTimer(busy);
  }

  stopUpkeep(): void {
    this.checkpoints.stop();
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

  /** Online backup through SQLite's backup API, in small steps so the live server's writes keep flowing. */
  /**
   * The copy holds password hashes and signing data, so it is private to its owner (0600) before a single
   * page is written: SQLite would create it world-readable, and gives its journal the file's mode.
   */
  async backup(file: string, progress: (done: number, total: number) => void): Promise<void> {
    fs.closeSync(fs.openSync(file, 'a', 0o600));
    fs.chmodSync(file, 0o600);
    await this.db.backup(file, {
      progress({ totalPages, remainingPages }) {
        progress(totalPages - remainingPages, totalPages);
        return 256; // pages per step
      },
    });
  }

  close(): void {
    this.checkpoints.stop();
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

export type { Synchronous };

/**
 * Notices a unit of work that waited for the event loop (I/O, a timer) while it held the write transaction:
 * readers would then run against its uncommitted rows, and every other write would stall. One probe a unit
 * (not a timer per step: the commit path stays cheap); `check` after each step refuses it.
 */
function turnProbe(): { check(): void; end(): void } {
  let yielded = false;
  const mark = () => {
    yielded = true;
  };
  // Both: a timer the unit waits for can fire in the timers phase before this turn's check phase runs the
  // immediate (on a busy machine its millisecond has passed by then), and this timer, made first with the
  // shortest delay, fires before any timer the unit makes later.
  const probe = setImmediate(mark);
  const timer = setTimeout(mark, 0);
  return {
    check() {
      if (yielded) throw new Error('a write waited for I/O while holding the transaction');
    },
    end() {
      clearImmediate(probe);
      clearTimeout(timer);
    },
  };
}
