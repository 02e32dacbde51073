import type { EventType } from '@open-discord/protocol';
import type pg from 'pg';
import type { Awaitable } from '../../ports/awaitable.js';
import {
  type BatchResult,
  type BatchStep,
  type EventPayload,
  type NewEvent,
  type Repositories,
  type StepOutcome,
  type Storage,
  type StoredEvent,
  type StoredEventOf,
  type UnitOfWork,
  StorageUnavailable,
} from '../../ports/storage.js';
import { encode } from '../../wire/encode.js';
import { PgCategoriesRepo } from './categories-repo.js';
import { PgCredentialsRepo } from './credentials-repo.js';
import { PgDb, type PgOptions, type Unit } from './db.js';
import { PgEventLog } from './events-repo.js';
import { classify, describe, isUnavailable } from './faults.js';
import { featureRepositories } from './feature-repos.js';
import { PgMessagesRepo } from './messages-repo.js';
import { migrate } from './migrations.js';
import { PgReadMarkersRepo } from './read-markers-repo.js';
import { PgRolesRepo } from './roles-repo.js';
import { PgRoomsRepo } from './rooms-repo.js';
import { PgUsersRepo } from './users-repo.js';

/** The channel every node LISTENs on; the payload is the new head. */
export const EVENTS_CHANNEL = 'od_events';

/** The repositories another part of the adapter provides (the other features' PostgreSQL repositories). */
export type FeatureRepositories = Omit<Repositories, CoreRepository>;
type CoreRepository = 'users' | 'credentials' | 'roles' | 'rooms' | 'categories' | 'messages' | 'readMarkers' | 'events';

/**
 * A unit of work on one pooled client: the transaction's events are numbered from the community_head row it
 * holds locked (head + 1, synchronously, as the port requires) and buffered; they are written in one
 * statement before the unit's next query of the log (PgDb) and before its commit, so every query that can
 * see them does.
 */
class PgUnit implements Unit, UnitOfWork {
  private pending: unknown[][] = [];
  ended = false;
  constructor(
    readonly client: pg.PoolClient,
    public head: number,
  ) {}

  append<T extends EventType>(ev: NewEvent<T>, data: EventPayload<T>): StoredEventOf<T> {
    if (this.head < 0) throw new Error('events are appended only inside a batch');
    const order = this.head + 1;
    const payload = typeof data === 'function' ? data(order) : data;
    const dataJson = encode(payload);
    this.head = order;
    this.pending.push([order, ev.id, ev.type, ev.roomId, ev.actorId, ev.targetUserId, dataJson, ev.createdAt]);
    return { ...ev, order, dataJson };
  }

  flush(): Promise<unknown> | null {
    if (this.pending.length === 0) return null;
    const rows = this.pending;
    this.pending = [];
    const col = (i: number) => rows.map((r) => r[i]);
    return this.client.query(
      `INSERT INTO events (event_order, id, type, room_id, actor_id, target_user_id, data, created_at)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[])`,
      [col(0), col(1), col(2), col(3), col(4), col(5), col(6), col(7)],
    );
  }

  /** A step rolled back to its savepoint: its events, written or still buffered, are gone. */
  undoTo(head: number): void {
    this.pending = this.pending.filter((row) => (row[0] as number) <= head);
    this.head = head;
  }
}

export interface PostgresOptions extends PgOptions {
  /** Where connection trouble outside requests is reported. */
  log?: (line: Record<string, unknown>) => void;
}

/**
 * The storage port on PostgreSQL. Several server processes may share the database: orders come from the one
 * community_head row, locked for the length of each batch, so they are gap-free and commit in order; each
 * committed batch NOTIFYs the new head (PostgresEventBus wakes the other nodes with it).
 */
export class PostgresStorage implements Storage {
  readonly db: PgDb;
  readonly users: PgUsersRepo;
  readonly credentials: PgCredentialsRepo;
  readonly roles: PgRolesRepo;
  readonly rooms: PgRoomsRepo;
  readonly categories: PgCategoriesRepo;
  readonly messages: PgMessagesRepo;
  readonly readMarkers: PgReadMarkersRepo;
  readonly events: PgEventLog;
  // The other features' repositories: assigned from `features` (see FeatureRepositories).
  declare readonly reactions: Repositories['reactions'];
  declare readonly conversations: Repositories['conversations'];
  declare readonly roomSettings: Repositories['roomSettings'];
  declare readonly files: Repositories['files'];
  declare readonly threads: Repositories['threads'];
  declare readonly search: Repositories['search'];
  declare readonly blocks: Repositories['blocks'];
  declare readonly retention: Repositories['retention'];
  declare readonly accountSecurity: Repositories['accountSecurity'];
  declare readonly audit: Repositories['audit'];
  declare readonly forum: Repositories['forum'];
  declare readonly inbox: Repositories['inbox'];
  declare readonly appPasswords: Repositories['appPasswords'];
  declare readonly voice: Repositories['voice'];
  private lastUnit: Promise<void> = Promise.resolve();

  constructor(url: string, opts: PostgresOptions = {}, extra: Partial<FeatureRepositories> = {}) {
    this.db = new PgDb(url, opts);
    const features = { ...featureRepositories(this.db), ...extra };
    this.users = new PgUsersRepo(this.db);
    this.credentials = new PgCredentialsRepo(this.db);
    this.roles = new PgRolesRepo(this.db);
    this.rooms = new PgRoomsRepo(this.db);
    this.categories = new PgCategoriesRepo(this.db);
    this.messages = new PgMessagesRepo(this.db);
    this.readMarkers = new PgReadMarkersRepo(this.db);
    this.events = new PgEventLog(this.db);
    for (const name of FEATURE_REPOSITORIES) {
      const repo = features[name];
      // Present: a plain property, like the core repositories. Missing: reaching it fails, naming it.
      if (repo) Object.defineProperty(this, name, { value: repo, enumerable: true, writable: true });
      else Object.defineProperty(this, name, { enumerable: true, get: () => missingRepository(name) });
    }
  }

  /** Connect, bring the schema up to date, and return the storage. */
  static async open(url: string, opts: PostgresOptions = {}, extra: Partial<FeatureRepositories> = {}): Promise<PostgresStorage> {
    const storage = new PostgresStorage(url, opts, extra);
    try {
      const client = await storage.db.pool.connect();
      try {
        await migrate(client);
      } finally {
        client.release();
      }
    } catch (error) {
      await storage.db.close().catch(() => {});
      throw error;
    }
    return storage;
  }

  /** Which of the other features' repositories this build lacks (empty once they are all wired). */
  static missingInBuild(): string[] {
    // A pool connects lazily: this one never does.
    const db = new PgDb('postgres://nobody@127.0.0.1:1/none');
    const have = featureRepositories(db);
    void db.close();
    return FEATURE_REPOSITORIES.filter((name) => !have[name]);
  }

  missingRepositories(): string[] {
    return FEATURE_REPOSITORIES.filter((name) => {
      try {
        return !this[name];
      } catch {
        return true;
      }
    });
  }

  transaction<T>(fn: () => Awaitable<T>): Promise<T> {
    return this.exclusive(async () => {
      const client = await this.connect();
      let fault: unknown;
      try {
        await client.query('BEGIN');
        // No head: `append` belongs to batches.
        const unit = new PgUnit(client, -1);
        try {
          const value = await this.db.within(unit, async () => fn());
          await client.query('COMMIT');
          return value;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {});
          throw error;
        } finally {
          unit.ended = true;
        }
      } catch (error) {
        if (isUnavailable(error)) {
          fault = error;
          throw new StorageUnavailable(describe(error), { cause: error });
        }
        throw classify(error);
      } finally {
        client.release(fault instanceof Error ? fault : undefined);
      }
    });
  }

  /**
   * One transaction for the batch on one client, a savepoint per step. The head row is locked first (other
   * nodes' batches wait here), the events other processes committed after `knownHead` are read and
   * reported, then each step runs with its queries routed to this client. The head row is advanced once and
   * ONE NOTIFY carries the new head; both take effect at COMMIT. If the connection goes or COMMIT fails,
   * the batch rejects with StorageUnavailable and none of it happened.
   */
  runBatch(knownHead: number, steps: readonly BatchStep[], onForeign: (events: readonly StoredEvent[]) => void): Promise<BatchResult> {
    return this.exclusive(async () => {
      let foreign: StoredEvent[] = [];
      const outcomes: StepOutcome[] = [];
      const client = await this.connect();
      const units: PgUnit[] = [];
      let fault: unknown;
      try {
        // Statements without parameters share a round trip (one simple query): under load the round trips,
        // not the statements, are what a batch costs.
        try {
          const begun = (await client.query('BEGIN; SELECT last_order FROM community_head WHERE id = 1 FOR UPDATE')) as unknown as pg.QueryResult[];
          const dbHead = begun[1]?.rows[0]?.last_order as number | undefined;
          if (dbHead === undefined) throw new Error('the community_head row is missing');
          const unit = new PgUnit(client, dbHead);
          units.push(unit);
          let savepoint = false;
          await this.db.within(unit, async () => {
            if (dbHead > knownHead) {
              foreign = await this.events.range(knownHead, dbHead);
              onForeign(foreign);
            }
            for (const step of steps) {
              // The previous step's savepoint is released as this one's is taken.
              await client.query(savepoint ? 'RELEASE step; SAVEPOINT step' : 'SAVEPOINT step');
              savepoint = true;
              const mark = unit.head;
              try {
                const value = await step.run(unit);
                outcomes.push({ ok: true, value });
              } catch (error) {
                if (isUnavailable(error)) throw error;
                await client.query('ROLLBACK TO step');
                unit.undoTo(mark);
                step.rolledBack();
                outcomes.push({ ok: false, error: classify(error) });
              }
            }
          });
          // The events no query of the batch needed yet: one statement for all of them, before the head moves.
          await unit.flush();
          // The head and the NOTIFY are integers of our own: inlined, they go with COMMIT in one round trip.
          const finish = [
            ...(savepoint ? ['RELEASE step'] : []),
            ...(unit.head > dbHead
              ? [`UPDATE community_head SET last_order = ${unit.head} WHERE id = 1`, `SELECT pg_notify('${EVENTS_CHANNEL}', '${unit.head}')`]
              : []),
            'COMMIT',
          ];
          await client.query(finish.join('; '));
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {});
          throw error;
        }
      } catch (error) {
        fault = error;
        throw new StorageUnavailable(describe(error), { cause: error });
      } finally {
        for (const u of units) u.ended = true;
        // A client whose connection failed is destroyed, not returned to the pool.
        client.release(fault !== undefined && isUnavailable(fault) ? (fault as Error) : undefined);
      }
      return { foreign, outcomes };
    });
  }

  private async connect(): Promise<pg.PoolClient> {
    try {
      const client = await this.db.pool.connect();
      // A checked-out client whose connection dies emits 'error' (the pool only listens while it is idle):
      // unheard, that would end the process. The failing query reports it to the batch anyway.
      if (!guarded.has(client)) {
        guarded.add(client);
        client.on('error', () => {});
      }
      return client;
    } catch (error) {
      throw new StorageUnavailable(describe(error), { cause: error });
    }
  }

  /** Run `unit` after every earlier unit has settled (the commit queue runs one batch at a time anyway). */
  private exclusive<T>(unit: () => Promise<T>): Promise<T> {
    const run = this.lastUnit.then(unit, unit);
    this.lastUnit = run.then(
      () => {},
      () => {},
    );
    return run;
  }

  /** PostgreSQL keeps itself (autovacuum, its own checkpoints): there is no upkeep to run from here. */
  startUpkeep(): void {}
  stopUpkeep(): void {}

  backup(): Promise<void> {
    return Promise.reject(new Error('backup is not supported on PostgreSQL by od-server: use pg_dump (or your PostgreSQL backups)'));
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

/** Clients that already have their 'error' listener. */
const guarded = new WeakSet<pg.PoolClient>();

const FEATURE_REPOSITORIES = [
  'reactions',
  'conversations',
  'roomSettings',
  'files',
  'threads',
  'search',
  'blocks',
  'retention',
  'accountSecurity',
  'audit',
  'forum',
  'inbox',
  'appPasswords',
  'voice',
] as const satisfies ReadonlyArray<keyof FeatureRepositories>;

function missingRepository(name: string): never {
  throw new Error(`the PostgreSQL ${name} repository is not in this build yet: this feature is not available on PostgreSQL`);
}
