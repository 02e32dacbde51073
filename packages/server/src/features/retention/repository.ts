import type { Awaitable } from '../../ports/awaitable.js';

/** What one step of a sweep removed from one room. */
/** Where warming the search indexes goes on: which index, after which block key. */
export interface WarmPosition {
  index: number;
  after: number;
}
export const WARM_START: WarmPosition = { index: 0, after: -1 };

export interface RoomExpiry {
  /** Messages removed (room messages and thread replies, including ones their authors had deleted). */
  messages: number;
  /** Of those, thread replies that went with their expired root. */
  replies: number;
  reactions: number;
  /** Files that no message of this step carries any more (their rows: see `dropFiles`). */
  fileIds: string[];
  /** The room's new horizon (every message up to this order is gone). */
  through: number;
}

/** What one bounded step of a sweep removed, and where the next one starts. */
export interface ExpiredBatch {
  /** Per room it removed anything from. */
  rooms: Record<string, RoomExpiry>;
  /** The next step scans after this order. */
  cursor: number;
  /** Nothing after the cursor can have expired. */
  done: boolean;
  /** Rooms that reached a message younger than their policy: later steps skip them. */
  stopped: string[];
}

/** What a sweep would remove from a room now (the dry run). */
export interface ExpiryCount {
  messages: number;
  reactions: number;
  files: number;
}

/** The retention feature's storage: room policies and the bounded deletion of expired content. */
export interface RetentionRepository {
  /** A room's own policy: null follows the server's default, 0 keeps forever. */
  setPolicy(roomId: string, seconds: number | null): Awaitable<void>;
  /**
   * Scan up to `limit` messages in log order after `after` and remove those created before their room's
   * cutoff (rooms without one are skipped; a room stops at its first younger message), with their thread
   * replies, reactions, mentions, search entries and file links; the log rows that created them become
   * content-free tombstones (order kept) and each room's horizon moves. Runs inside a commit-queue step.
   */
  expireBatch(cutoffs: Readonly<Record<string, number>>, after: number, limit: number): Awaitable<ExpiredBatch>;
  /**
   * Tombstone the content events (edits, reactions, deletes, thread follows and reads) of these rooms with
   * after < order <= upTo that name a message which no longer exists. One commit-queue step per range: the
   * sweep walks the log once, from the oldest horizon it moved, a bounded range at a time. Answers how many.
   */
  tombstoneOrphans(roomIds: readonly string[], after: number, upTo: number): Awaitable<number>;
  countExpired(roomId: string, cutoff: number): Awaitable<ExpiryCount>;
  /**
   * Files every carrying message of which is gone or deleted by its author (up to `limit`), the files of
   * `fileIds` no message carries any more, and uploads no message ever carried made before `unsentBefore`
   * (ms; up to `limit`): their rows and links are removed. A file that is someone's avatar stays. Answers
   * `unsent` (how many of `files` were never carried) and the blobs (sha256) no remaining file row uses: the
   * caller removes those from disk, outside the commit queue. `more`: a search stopped at `limit`.
   */
  dropFiles(fileIds: readonly string[], limit: number, unsentBefore: number): Awaitable<{ files: number; unsent: number; blobs: string[]; more: boolean }>;
  /** Some file row still uses this blob (checked again right before it is removed from disk). */
  blobInUse(sha256: string): Awaitable<boolean>;
  /**
   * Around a sweep's deletions: hold the search indexes' automatic merges (true), then let them run again
   * (false). Each step's deletions add a segment to the indexes, and every few segments an automatic merge
   * rewrote whole levels inside that step's commit — hundreds of ms with live messages waiting behind it. Held,
   * the segments are merged afterwards by `compactSearch`, a bounded number of pages a step. Persistent in the
   * indexes' configuration: a sweep cut short by a crash leaves them held until the next sweep ends (the
   * indexes keep working; FTS5 still merges a level that reaches its crisis count).
   */
  holdSearchMerges(hold: boolean): Awaitable<void>;
  /**
   * During a sweep, between its steps: merge up to about `pages` pages of the indexes' most crowded level
   * (resumed by the next call), so the segments the steps add never pile up to FTS5's crisis count, which
   * would merge whole levels inside a step (seconds on a store of a million messages).
   */
  mergeSearch(pages: number): Awaitable<void>;
  /**
   * After a sweep: rewrite up to about `pages` pages of the search indexes so that removed messages' words
   * leave their pages (an index keeps a deleted entry's bytes until its segment is merged). Runs inside a
   * commit-queue step; false once there is nothing left to rewrite.
   */
  compactSearch(pages: number): Awaitable<boolean>;
  /**
   * Give up to `pages` free pages back to the file system (the file shrinks once the log is folded back by
   * `scrub`); answers the free pages left that can be given back (0 when done, or when the engine cannot).
   */
  reclaim(pages: number): Awaitable<number>;
  /**
   * After a sweep removed messages of this room: count its readers' unread again (the steps do not settle
   * them message by message; see the SQLite adapter's BulkRemovalCounts). Inside a unit of work.
   */
  recountReaders(roomId: string): Awaitable<void>;
  /**
   * Read up to `limit` blocks of the search indexes from `from` on (WARM_START: the beginning), so their pages
   * are in memory before a sweep deletes from them; answers where to go on, or null when all were read (an
   * engine with nothing to warm answers null at once). A read: no unit of work needed.
   */
  warmSearchIndex(from: WarmPosition, limit: number): Awaitable<WarmPosition | null>;
  /**
   * After a sweep: make removed bytes unrecoverable from the database's files too (fold the write-ahead log
   * into the main file and truncate it). Called outside any unit of work; false when it could not finish now.
   */
  scrub(): Awaitable<boolean>;
}
