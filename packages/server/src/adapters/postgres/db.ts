import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';

/*
 * The PostgreSQL adapter's one way to run SQL. A query made while a unit of work (a batch, a transaction)
 * runs in the same async context goes to that unit's client, after the events the unit appended so far are
 * written (they were assigned their orders synchronously by `append`); every other query goes to the pool
 * and sees committed state only. Repositories therefore never see a client: they call `rows`, `row`, `run`.
 */

/** Integer and numeric results as JS numbers: orders, times and counts stay far below 2^53. */
const INT8 = 20;
const NUMERIC = 1700;
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 || oid === NUMERIC) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/** A unit of work in progress: its client, and writes buffered to go before its next query. */
export interface Unit {
  client: pg.PoolClient;
  /** Issue the buffered writes now (synchronously queued on the client), or null when there are none. */
  flush(): Promise<unknown> | null;
}

export interface PgOptions {
  /** Connections in the pool (readers, and the one a batch holds). */
  max?: number;
  /** Name shown in pg_stat_activity. */
  applicationName?: string;
}

export class PgDb {
  readonly pool: pg.Pool;
  private readonly units = new AsyncLocalStorage<Unit>();

  constructor(
    readonly url: string,
    opts: PgOptions = {},
  ) {
    this.pool = new pg.Pool({
      connectionString: url,
      max: opts.max ?? 10,
      application_name: opts.applicationName ?? 'od-server',
      types,
      // A connection that cannot be made in time is an unavailable storage, not a hung request.
      connectionTimeoutMillis: 10_000,
    });
    // An idle connection the server dropped (restart, pg_terminate_backend) must not crash the process: the
    // pool forgets it and the next query opens a new one.
    this.pool.on('error', () => {});
  }

  /** The unit of work running in this async context, if any. */
  get unit(): Unit | undefined {
    return this.units.getStore();
  }

  /** Run `fn` with every query made in its async context routed to `unit`. */
  within<T>(unit: Unit, fn: () => Promise<T>): Promise<T> {
    return this.units.run(unit, fn);
  }

  /** Rows of one statement. `$1`… placeholders. */
  async rows<R>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    return (await this.exec<R>(sql, params)).rows;
  }

  async row<R>(sql: string, params: readonly unknown[] = []): Promise<R | null> {
    return (await this.exec<R>(sql, params)).rows[0] ?? null;
  }

  /** Run a write; returns how many rows it touched. */
  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    return (await this.exec(sql, params)).rowCount ?? 0;
  }

  private exec<R>(sql: string, params: readonly unknown[]): Promise<pg.QueryResult<R & pg.QueryResultRow>> {
    const unit = this.units.getStore();
    if (!unit) return this.pool.query<R & pg.QueryResultRow>(sql, params as unknown[]);
    // Both are queued on the client now, in this order: the unit's appended events are written first.
    const flushed = unit.flush();
    const query = unit.client.query<R & pg.QueryResultRow>(sql, params as unknown[]);
    if (!flushed) return query;
    return flushed.then(
      () => query,
      (error: unknown) => {
        // The query fails too (the transaction is aborted); the flush's error is the one to report.
        query.catch(() => {});
        throw error;
      },
    );
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
