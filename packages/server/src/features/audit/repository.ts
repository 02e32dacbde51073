import type { Awaitable } from '../../ports/awaitable.js';

/** One privileged action, as stored. */
export interface AuditRow {
  seq: number;
  at: number;
  actorId: string | null;
  action: string;
  targetUserId: string | null;
  roomId: string | null;
  /** The request's other parameters. */
  detail: Record<string, unknown>;
}

/** The audit log's storage: append and read newest first. */
export interface AuditRepository {
  append(e: Omit<AuditRow, 'seq'>): Awaitable<void>;
  /** Up to `limit` entries with seq below `before`, newest first. */
  page(before: number, limit: number): Awaitable<AuditRow[]>;
}
