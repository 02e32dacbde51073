import path from 'node:path';
import { PostgresStorage } from '../adapters/postgres/storage.js';
import { PG_SCHEMA_VERSION } from '../adapters/postgres/migrations.js';
import { SqliteStorage } from '../adapters/sqlite/storage.js';
import { SCHEMA_VERSION } from '../adapters/sqlite/migrations.js';

/** `od-server migrate`: open the store (which applies every pending step) and say where it now stands. */
export async function migrateStore(dataDir: string, database: string | null): Promise<string> {
  if (database !== null) {
    const storage = await PostgresStorage.open(database);
    await storage.close();
    return `PostgreSQL schema at version ${PG_SCHEMA_VERSION}`;
  }
  SqliteStorage.open(dataDir).close();
  return `SQLite schema at version ${SCHEMA_VERSION} (${path.resolve(dataDir)})`;
}
