import { StorageConflict, StorageUnavailable } from '../../ports/storage.js';

/** SQLite result codes that mean "the storage is unwell", not "this request is wrong". */
const STORAGE_FAULTS = /^SQLITE_(FULL|IOERR|READONLY|BUSY|LOCKED|CANTOPEN|NOMEM|CORRUPT|NOTADB|PROTOCOL)/;

/**
 * A step's error in port terms: SQLite faults become StorageUnavailable (retry later), constraint
 * violations StorageConflict; anything else (a ProtocolError, a bug) passes through unchanged.
 */
export function classify(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return error;
  if (STORAGE_FAULTS.test(code)) return new StorageUnavailable(describe(error), { cause: error });
  if (code.startsWith('SQLITE_CONSTRAINT')) return new StorageConflict(describe(error), { cause: error });
  return error;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
