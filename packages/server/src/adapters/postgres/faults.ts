import { StorageConflict, StorageUnavailable } from '../../ports/storage.js';

/*
 * PostgreSQL errors in port terms. SQLSTATE classes that mean "the storage is unwell" (the connection went,
 * the server is shutting down or out of resources, a serialization failure or deadlock the request may retry)
 * become StorageUnavailable; integrity violations (class 23: unique, foreign key…) StorageConflict, as SQLite's
 * SQLITE_CONSTRAINT_* do. A connection the driver lost has no SQLSTATE: its Node error code or message says so.
 */
const UNAVAILABLE_STATE = /^(08|53|54|57|58|XX)|^40001$|^40P01$|^55P03$/;
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const LOST = /Connection terminated|connection error|not queryable|timeout exceeded when trying to connect|Client was closed|Cannot use a pool after calling end/i;

export function isUnavailable(error: unknown): boolean {
  if (error instanceof StorageUnavailable) return true;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (UNAVAILABLE_STATE.test(code) || NETWORK_CODES.has(code))) return true;
  return error instanceof Error && typeof code !== 'string' && LOST.test(error.message);
}

/** A step's error in port terms; anything else (a ProtocolError, a bug) passes through unchanged. */
export function classify(error: unknown): unknown {
  if (error instanceof StorageUnavailable || error instanceof StorageConflict) return error;
  if (isUnavailable(error)) return new StorageUnavailable(describe(error), { cause: error });
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('23')) return new StorageConflict(describe(error), { cause: error });
  return error;
}

export function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
