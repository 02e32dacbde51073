/*
 * What the feature repositories need of the PostgreSQL adapter's connection (`PgDb`): one statement's rows,
 * its first row, or how many rows a write touched. Calls made while a unit of work runs go to that unit's
 * transaction (PgDb routes them by async context), every other one to the pool; a repository never sees a
 * client. Integers (BIGINT, COUNT, SUM) arrive as JS numbers (PgDb's type parsers).
 */
export interface Sql {
  rows<R>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  row<R>(sql: string, params?: readonly unknown[]): Promise<R | null>;
  run(sql: string, params?: readonly unknown[]): Promise<number>;
}

/** A count or sum as a number (0 for SQL NULL), whatever type the engine answered it in. */
export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** A list parameter, bound as one array (`= ANY($n)`): one statement for any number of ids. */
export const ids = (list: readonly string[]): string[] => [...list];
