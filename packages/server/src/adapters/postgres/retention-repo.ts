import type { ExpiredBatch, ExpiryCount, RetentionRepository, RoomExpiry, WarmPosition } from '../../features/retention/repository.js';
import { IN_CONTENT, MESSAGE_OF, TOMBSTONE } from './content-events.js';
import { ids, num, type Sql } from './repo-sql.js';

interface Head {
  id: string;
  room_id: string;
  event_order: number;
  created_at: number;
  has_replies: boolean;
}

/** A file someone shows as their avatar is carried by their profile, not by a message: it stays. */
const NOT_AVATAR = (f: string) => `NOT EXISTS (SELECT 1 FROM profiles p WHERE p.avatar_file_id = ${f}.id)`;

/** The GIN indexes of the search projection (schema/search.ts). */
const SEARCH_INDEXES = ['message_search_words', 'message_search_tri'];

/** Tables a sweep or an account deletion removes rows from: VACUUM takes the dead rows out of them. */
const SCRUBBED = [
  'messages',
  'message_search',
  'search_pending',
  'message_mentions',
  'message_reactions',
  'message_files',
  'files',
  'thread_follows',
  'posts',
  'post_tags',
  'bookmarks',
  'inbox_items',
  'events',
];

/**
 * PostgreSQL implementation of the retention feature's repository: the same bounded steps as the SQLite one,
 * query for query. What SQLite does to its files differs here (see `holdSearchMerges`, `mergeSearch`,
 * `compactSearch`, `scrub`): FTS5 segments, secure_delete and WAL checkpoints have no PostgreSQL twin, and
 * the nearest equivalents are used.
 */
export class PgRetentionRepo implements RetentionRepository {
  constructor(private readonly db: Sql) {}

  async setPolicy(roomId: string, seconds: number | null): Promise<void> {
    await this.db.run('UPDATE rooms SET retention_sec = $1 WHERE id = $2', [seconds, roomId]);
  }

  async expireBatch(cutoffs: Readonly<Record<string, number>>, after: number, limit: number): Promise<ExpiredBatch> {
    const latest = Math.max(...Object.values(cutoffs));
    // Every room's messages in log order (messages_order): the oldest are the expired ones.
    const rows = await this.db.rows<Head>(
      `SELECT id, room_id, event_order, created_at, last_reply_order > 0 AS has_replies FROM messages
       WHERE event_order > $1 ORDER BY event_order LIMIT $2`,
      [after, limit],
    );
    const rooms: Record<string, RoomExpiry> = {};
    const stopped = new Set<string>();
    const expired: Head[] = [];
    let cursor = after;
    let done = rows.length < limit;
    for (const h of rows) {
      const createdAt = Number(h.created_at);
      // Younger than every policy: nothing from here on can have expired (orders follow time).
      if (createdAt >= latest) {
        done = true;
        break;
      }
      cursor = Number(h.event_order);
      const cutoff = cutoffs[h.room_id];
      if (cutoff === undefined || stopped.has(h.room_id)) continue;
      // A room stops at its first message that has not expired: its horizon stays contiguous.
      if (createdAt >= cutoff) {
        stopped.add(h.room_id);
        continue;
      }
      expired.push(h);
      const r = (rooms[h.room_id] ??= { messages: 0, replies: 0, reactions: 0, fileIds: [], through: 0 });
      r.messages++;
      r.through = Number(h.event_order);
    }
    if (expired.length === 0) return { rooms, cursor, done, stopped: [...stopped] };
    const gone = new Set(expired.map((h) => h.id));
    const orders = expired.map((h) => Number(h.event_order));
    // A thread goes with its root: its replies are reachable only through it.
    const roots = expired.filter((h) => h.has_replies);
    if (roots.length > 0) {
      const replies = await this.db.rows<{ id: string; event_order: number; thread_id: string }>(
        'SELECT id, event_order, thread_id FROM messages WHERE thread_id = ANY($1::text[]) ORDER BY thread_id, event_order',
        [roots.map((r) => r.id)],
      );
      const byRoot = new Map<string, Array<{ id: string; event_order: number }>>();
      for (const r of replies) {
        const list = byRoot.get(r.thread_id);
        if (list) list.push(r);
        else byRoot.set(r.thread_id, [r]);
      }
      for (const root of roots) {
        for (const r of byRoot.get(root.id) ?? []) {
          if (gone.has(r.id)) continue;
          gone.add(r.id);
          orders.push(Number(r.event_order));
          rooms[root.room_id]!.messages++;
          rooms[root.room_id]!.replies++;
        }
      }
    }
    const idList = [...gone];
    const files = await this.db.rows<{ room_id: string; file_id: string }>(
      `SELECT DISTINCT m.room_id, mf.file_id FROM message_files mf JOIN messages m ON m.id = mf.message_id
       WHERE mf.message_id = ANY($1::text[]) ORDER BY m.room_id, mf.file_id`,
      [idList],
    );
    for (const f of files) rooms[f.room_id]?.fileIds.push(f.file_id);
    const reactions = await this.db.rows<{ room_id: string; n: number }>(
      `SELECT m.room_id, COUNT(*) AS n FROM message_reactions r JOIN messages m ON m.id = r.message_id
       WHERE r.message_id = ANY($1::text[]) GROUP BY m.room_id`,
      [idList],
    );
    for (const x of reactions) if (rooms[x.room_id]) rooms[x.room_id]!.reactions = num(x.n);
    await this.db.run('DELETE FROM message_reactions WHERE message_id = ANY($1::text[])', [idList]);
    await this.db.run('DELETE FROM message_mentions WHERE message_id = ANY($1::text[])', [idList]);
    await this.db.run('DELETE FROM message_files WHERE message_id = ANY($1::text[])', [idList]);
    if (roots.length) await this.db.run('DELETE FROM thread_follows WHERE thread_id = ANY($1::text[])', [roots.map((r) => r.id)]);
    // The unread counters' side of a bulk removal (as SQLite's BulkRemovalCounts): these lose their sequence
    // first, so the removal trigger passes them by instead of updating every lagging reader once per message;
    // `recountReaders` counts the room's readers again once the sweep is through it.
    await this.db.run('UPDATE messages SET room_seq = NULL WHERE id = ANY($1::text[]) AND deleted = 0 AND room_seq IS NOT NULL', [idList]);
    // The search entries, a forum post and inbox items go with these, by the schema's delete triggers.
    await this.db.run('DELETE FROM messages WHERE id = ANY($1::text[])', [idList]);
    await this.db.run(`UPDATE events SET ${TOMBSTONE} WHERE event_order = ANY($1::bigint[])`, [orders]);
    for (const [roomId, r] of Object.entries(rooms)) {
      await this.db.run('UPDATE rooms SET expired_through = $1 WHERE id = $2 AND expired_through < $1', [r.through, roomId]);
    }
    return { rooms, cursor, done, stopped: [...stopped] };
  }

  async tombstoneOrphans(roomIds: readonly string[], after: number, upTo: number): Promise<number> {
    // A bounded range of the log's primary key: content events of the swept rooms that name a message which
    // no longer exists (an edit, a reaction, a thread's follow or read, a delete).
    return this.db.run(
      `UPDATE events SET ${TOMBSTONE} WHERE event_order > $1 AND event_order <= $2 AND ${IN_CONTENT}
         AND room_id = ANY($3::text[])
         AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = ${MESSAGE_OF})`,
      [after, upTo, ids(roomIds)],
    );
  }

  async countExpired(roomId: string, cutoff: number): Promise<ExpiryCount> {
    const r = await this.db.row<{ messages: number; reactions: number; files: number }>(
      `SELECT
         (SELECT COUNT(*) FROM messages WHERE room_id = $1 AND created_at < $2) AS messages,
         (SELECT COUNT(*) FROM message_reactions WHERE message_id IN (SELECT id FROM messages WHERE room_id = $1 AND created_at < $2)) AS reactions,
         (SELECT COUNT(DISTINCT file_id) FROM message_files WHERE message_id IN (SELECT id FROM messages WHERE room_id = $1 AND created_at < $2)) AS files`,
      [roomId, cutoff],
    );
    return { messages: num(r?.messages), reactions: num(r?.reactions), files: num(r?.files) };
  }

  async dropFiles(fileIds: readonly string[], limit: number, unsentBefore: number): Promise<{ files: number; unsent: number; blobs: string[]; more: boolean }> {
    // Files some message carried and no live message carries now (oldest first: SQLite reads them in rowid order).
    const orphans = (
      await this.db.rows<{ id: string }>(
        `SELECT f.id FROM files f
         WHERE EXISTS (SELECT 1 FROM message_files mf WHERE mf.file_id = f.id)
           AND NOT EXISTS (SELECT 1 FROM message_files mf JOIN messages m ON m.id = mf.message_id WHERE mf.file_id = f.id AND m.deleted = 0)
           AND ${NOT_AVATAR('f')}
         ORDER BY f.created_at, f.id LIMIT $1`,
        [limit],
      )
    ).map((o) => o.id);
    // Uploads no message ever carried (not even a deleted one), made before the grace period's start.
    const unsent = new Set(
      (
        await this.db.rows<{ id: string }>(
          `SELECT f.id FROM files f
           WHERE f.created_at < $1 AND NOT EXISTS (SELECT 1 FROM message_files mf WHERE mf.file_id = f.id) AND ${NOT_AVATAR('f')}
           ORDER BY f.created_at, f.id LIMIT $2`,
          [unsentBefore, limit],
        )
      ).map((o) => o.id),
    );
    const candidates = [...new Set([...fileIds, ...orphans, ...unsent])];
    const gone = await this.db.rows<{ id: string; sha256: string }>(
      `SELECT id, sha256 FROM files WHERE id = ANY($1::text[])
         AND NOT EXISTS (SELECT 1 FROM message_files mf JOIN messages m ON m.id = mf.message_id WHERE mf.file_id = files.id AND m.deleted = 0)
         AND ${NOT_AVATAR('files')}
       ORDER BY id`,
      [candidates],
    );
    const more = orphans.length >= limit || unsent.size >= limit;
    if (gone.length === 0) return { files: 0, unsent: 0, blobs: [], more };
    const goneIds = gone.map((g) => g.id);
    await this.db.run('DELETE FROM message_files WHERE file_id = ANY($1::text[])', [goneIds]);
    await this.db.run('DELETE FROM files WHERE id = ANY($1::text[])', [goneIds]);
    const blobs: string[] = [];
    for (const sha of new Set(gone.map((g) => g.sha256))) if (!(await this.blobInUse(sha))) blobs.push(sha);
    return { files: gone.length, unsent: gone.filter((g) => unsent.has(g.id)).length, blobs, more };
  }

  async blobInUse(sha256: string): Promise<boolean> {
    return (await this.db.row('SELECT 1 AS x FROM files WHERE sha256 = $1 LIMIT 1', [sha256])) !== null;
  }

  /**
   * Nothing to hold: SQLite's FTS5 merges segments automatically inside a commit, PostgreSQL's GIN indexes do
   * not merge segments. Their one deferred work, moving the pending list (fastupdate) into the index, is
   * done between steps by `mergeSearch`, so an insert inside a step rarely finds the list full.
   */
  async holdSearchMerges(_hold: boolean): Promise<void> {}

  /** Between sweep steps: move the search indexes' pending lists into the indexes (bounded by their size limit). */
  async mergeSearch(_pages: number): Promise<void> {
    await this.cleanPending();
  }

  /**
   * After a sweep. A GIN index drops a deleted row's entries when VACUUM removes the row (`scrub`), not by
   * rewriting pages a step at a time; what is left here is the pending lists. True while they still held
   * pages (the next call then finds them empty).
   */
  async compactSearch(_pages: number): Promise<boolean> {
    return (await this.cleanPending()) > 0;
  }

  private async cleanPending(): Promise<number> {
    let pages = 0;
    for (const index of SEARCH_INDEXES) {
      pages += num((await this.db.row<{ n: number }>('SELECT gin_clean_pending_list($1::regclass) AS n', [index]))?.n);
    }
    return pages;
  }

  /**
   * Nothing to give back a few pages at a time: PostgreSQL has no incremental vacuum. The space of removed
   * rows is reused by later writes once VACUUM (`scrub`, autovacuum) has marked it free; only VACUUM FULL,
   * which locks the tables for its whole run, shrinks the files, and that is the operator's to choose.
   */
  async reclaim(_pages: number): Promise<number> {
    return 0;
  }

  /** After a sweep through the room: every reader's counter row counted again from their marker, once each. */
  async recountReaders(roomId: string): Promise<void> {
    const readers = await this.db.rows<{ user_id: string; marker: number }>(
      `SELECT rr.user_id, COALESCE(rm.event_order, 0) AS marker FROM room_reads rr
       LEFT JOIN read_markers rm ON rm.user_id = rr.user_id AND rm.room_id = rr.room_id WHERE rr.room_id = $1 ORDER BY rr.user_id`,
      [roomId],
    );
    for (const r of readers) await this.db.run('SELECT room_reads_count($1, $2, $3)', [r.user_id, roomId, r.marker]);
  }

  /**
   * Nothing to warm: SQLite reads its FTS5 blocks so a sweep's deletions do not wait on the disk inside their
   * step; PostgreSQL's GIN entries of a removed row stay until VACUUM, outside the sweep's steps, and its
   * shared buffers are the engine's to fill. Answers null at once, as the port says of such an engine.
   */
  async warmSearchIndex(_from: WarmPosition, _limit: number): Promise<WarmPosition | null> {
    return null;
  }

  /**
   * After a sweep or an account deletion: VACUUM the tables rows were removed from, so the removed rows leave
   * their pages and the indexes (no query, backup or replica reads them again). PostgreSQL has no
   * `secure_delete`: freed space is not overwritten with zeros, and the write-ahead log keeps the old row
   * images until its segments are recycled (see docs/postgres.md). VACUUM cannot run inside a transaction:
   * called inside a unit of work it answers false, like SQLite's scrub.
   */
  async scrub(): Promise<boolean> {
    try {
      await this.db.run(`VACUUM ${SCRUBBED.join(', ')}`);
      return true;
    } catch {
      return false;
    }
  }
}
