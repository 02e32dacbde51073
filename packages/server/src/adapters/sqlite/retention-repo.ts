import { CONTENT_TYPES } from '../../features/retention/content-types.js';
import type { ExpiredBatch, ExpiryCount, RetentionRepository, RoomExpiry, WarmPosition } from '../../features/retention/repository.js';
import type { Db } from './db.js';
import { BulkRemovalCounts } from './unread-counters.js';

/** Log rows that carry a room's content (engine-neutral: features/retention/content-types.ts). */
export { CONTENT_TYPES };

const IN_CONTENT = `type IN (${CONTENT_TYPES.map((t) => `'${t}'`).join(', ')})`;

/**
 * A tombstone: the row keeps its order (the log stays gap-free), its room and its time; its type becomes
 * `expired` and everything else that could say what it was (author, target, payload) goes. Sync and replay
 * skip these rows, so a client is accounted for their orders without receiving anything.
 */
export const TOMBSTONE = `type = 'expired', actor_id = NULL, target_user_id = NULL, data = '{}'`;

/** A file someone shows as their avatar is carried by their profile, not by a message: it stays. */
const NOT_AVATAR = (f: string) => `NOT EXISTS (SELECT 1 FROM profiles p WHERE p.avatar_file_id = ${f}.id)`;

/** `PRAGMA auto_vacuum`'s value for INCREMENTAL. */
export const INCREMENTAL = 2;

/** FTS5's default automerge level: merge once four segments of a level exist. */
const FTS5_AUTOMERGE = 4;

interface Head {
  id: string;
  room_id: string;
  event_order: number;
  created_at: number;
  has_replies: number;
}

/** The ids of a list as one JSON parameter, read back with json_each (one statement for any number). */
const list = (ids: readonly string[] | readonly number[]) => JSON.stringify(ids);

/**
 * SQLite implementation of the retention feature's repository. Deletes run with `secure_delete` on (set when
 * the database is opened), so freed cells and pages are zeroed; the search indexes remove a row's entries at
 * once (migration 14); `scrub` folds the write-ahead log back and truncates it, so no old page image of a
 * removed row stays in the -wal file either.
 */
export class SqliteRetentionRepo implements RetentionRepository {
  private readonly s;
  private readonly counts: BulkRemovalCounts;
  constructor(
    private readonly db: Db,
    private readonly checkpoint: () => Promise<boolean>,
  ) {
    this.counts = new BulkRemovalCounts(db);
    this.s = {
      setPolicy: db.prepare('UPDATE rooms SET retention_sec = ? WHERE id = ?'),
      setThrough: db.prepare('UPDATE rooms SET expired_through = ? WHERE id = ? AND expired_through < ?'),
      // Every room's messages in log order, along messages_order: the oldest are the expired ones, and deleting
      // them in this order touches neighbouring pages of the messages table, the log and the search indexes
      // (room by room, the messages of interleaved rooms were a page each: ten times the pages written).
      scan: db.prepare<[number, number], Head>(
        `SELECT id, room_id, event_order, created_at, last_reply_order > 0 AS has_replies FROM messages
         WHERE event_order > ? ORDER BY event_order LIMIT ?`,
      ),
      replies: db.prepare<[string], { id: string; event_order: number }>('SELECT id, event_order FROM messages WHERE thread_id = ?'),
      files: db.prepare<[string], { room_id: string; file_id: string }>(
        `SELECT DISTINCT m.room_id, mf.file_id FROM message_files mf JOIN messages m ON m.id = mf.message_id
         WHERE mf.message_id IN (SELECT value FROM json_each(?))`,
      ),
      reactions: db.prepare<[string], { room_id: string; n: number }>(
        `SELECT m.room_id, COUNT(*) AS n FROM message_reactions r JOIN messages m ON m.id = r.message_id
         WHERE r.message_id IN (SELECT value FROM json_each(?)) GROUP BY m.room_id`,
      ),
      delReactions: db.prepare('DELETE FROM message_reactions WHERE message_id IN (SELECT value FROM json_each(?))'),
      delMentions: db.prepare('DELETE FROM message_mentions WHERE message_id IN (SELECT value FROM json_each(?))'),
      delFileLinks: db.prepare('DELETE FROM message_files WHERE message_id IN (SELECT value FROM json_each(?))'),
      delFollows: db.prepare('DELETE FROM thread_follows WHERE thread_id IN (SELECT value FROM json_each(?))'),
      // The search indexes' rows go with these, by migration 12's delete trigger.
      delMessages: db.prepare('DELETE FROM messages WHERE id IN (SELECT value FROM json_each(?))'),
      tombstoneOrders: db.prepare(`UPDATE events SET ${TOMBSTONE} WHERE event_order IN (SELECT value FROM json_each(?))`),
      // The room's content events up to the new horizon: a range of the log's primary key.
      // Content events of the swept rooms in an order range that name a message which no longer exists (an
      // edit, a reaction, a thread's follow or read, a delete): read a bounded range of the log's primary key.
      tombstoneOrphans: db.prepare(
        `UPDATE events SET ${TOMBSTONE} WHERE event_order > ? AND event_order <= ? AND ${IN_CONTENT}
           AND room_id IN (SELECT value FROM json_each(?))
           AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.id =
             COALESCE(json_extract(data, '$.message.id'), json_extract(data, '$.messageId'), json_extract(data, '$.threadId'),
               json_extract(data, '$.post.id'), json_extract(data, '$.postId')))`,
      ),
      count: db.prepare<[string, number], { n: number }>('SELECT COUNT(*) AS n FROM messages WHERE room_id = ? AND created_at < ?'),
      countReactions: db.prepare<[string, number], { n: number }>(
        `SELECT COUNT(*) AS n FROM message_reactions WHERE message_id IN (SELECT id FROM messages WHERE room_id = ? AND created_at < ?)`,
      ),
      countFiles: db.prepare<[string, number], { n: number }>(
        `SELECT COUNT(DISTINCT file_id) AS n FROM message_files WHERE message_id IN (SELECT id FROM messages WHERE room_id = ? AND created_at < ?)`,
      ),
      // Files some message carried and no live message carries now.
      orphans: db.prepare<[number], { id: string }>(
        `SELECT f.id FROM files f
         WHERE EXISTS (SELECT 1 FROM message_files mf WHERE mf.file_id = f.id)
           AND NOT EXISTS (SELECT 1 FROM message_files mf JOIN messages m ON m.id = mf.message_id WHERE mf.file_id = f.id AND m.deleted = 0)
           AND ${NOT_AVATAR('f')}
         LIMIT ?`,
      ),
      // Uploads no message ever carried (not even a deleted one), made before the grace period's start.
      unsent: db.prepare<[number, number], { id: string }>(
        `SELECT f.id FROM files f
         WHERE f.created_at < ? AND NOT EXISTS (SELECT 1 FROM message_files mf WHERE mf.file_id = f.id) AND ${NOT_AVATAR('f')}
         LIMIT ?`,
      ),
      unlinked: db.prepare<[string], { id: string; sha256: string }>(
        `SELECT id, sha256 FROM files WHERE id IN (SELECT value FROM json_each(?))
           AND NOT EXISTS (SELECT 1 FROM message_files mf JOIN messages m ON m.id = mf.message_id WHERE mf.file_id = files.id AND m.deleted = 0)
           AND ${NOT_AVATAR('files')}`,
      ),
      delLinksOfFiles: db.prepare('DELETE FROM message_files WHERE file_id IN (SELECT value FROM json_each(?))'),
      delFiles: db.prepare('DELETE FROM files WHERE id IN (SELECT value FROM json_each(?))'),
      blobInUse: db.prepare<[string], { x: number }>('SELECT 1 AS x FROM files WHERE sha256 = ? LIMIT 1'),
      changes: db.prepare<[], { c: number }>('SELECT total_changes() AS c'),
      // A chunk of an index's blocks in key order (length() reads each block: its pages come into memory).
      warmWord: db.prepare<[number, number], { id: number; n: number }>(
        'SELECT MAX(id) AS id, COUNT(*) AS n, SUM(length(block)) AS b FROM (SELECT id, block FROM messages_fts_word_data WHERE id > ? ORDER BY id LIMIT ?)',
      ),
      warmTri: db.prepare<[number, number], { id: number; n: number }>(
        'SELECT MAX(id) AS id, COUNT(*) AS n, SUM(length(block)) AS b FROM (SELECT id, block FROM messages_fts_tri_data WHERE id > ? ORDER BY id LIMIT ?)',
      ),
      // A negative merge merges every segment into one, a few pages at a time: an incremental 'optimize'.
      mergeWord: db.prepare("INSERT INTO messages_fts_word (messages_fts_word, rank) VALUES ('merge', ?)"),
      mergeTri: db.prepare("INSERT INTO messages_fts_tri (messages_fts_tri, rank) VALUES ('merge', ?)"),
      // Literal levels: FTS5 refuses a bound number here (the driver binds it as a real).
      holdMerges: db.prepare(
        "INSERT INTO messages_fts_word (messages_fts_word, rank) VALUES ('automerge', 0)",
      ),
      holdMergesTri: db.prepare("INSERT INTO messages_fts_tri (messages_fts_tri, rank) VALUES ('automerge', 0)"),
      resumeMerges: db.prepare(`INSERT INTO messages_fts_word (messages_fts_word, rank) VALUES ('automerge', ${FTS5_AUTOMERGE})`),
      resumeMergesTri: db.prepare(`INSERT INTO messages_fts_tri (messages_fts_tri, rank) VALUES ('automerge', ${FTS5_AUTOMERGE})`),
    };
  }

  setPolicy(roomId: string, seconds: number | null): void {
    this.s.setPolicy.run(seconds, roomId);
  }

  expireBatch(cutoffs: Readonly<Record<string, number>>, after: number, limit: number): ExpiredBatch {
    const latest = Math.max(...Object.values(cutoffs));
    const rows = this.s.scan.all(after, limit);
    const rooms: Record<string, RoomExpiry> = {};
    const stopped = new Set<string>();
    const expired: Head[] = [];
    let cursor = after;
    let done = rows.length < limit;
    for (const h of rows) {
      // Younger than every policy: nothing from here on can have expired (orders follow time).
      if (h.created_at >= latest) {
        done = true;
        break;
      }
      cursor = h.event_order;
      const cutoff = cutoffs[h.room_id];
      if (cutoff === undefined || stopped.has(h.room_id)) continue;
      // A room stops at its first message that has not expired (a clock that stepped back only makes the
      // sweep stop early, never remove something younger than the policy): its horizon stays contiguous.
      if (h.created_at >= cutoff) {
        stopped.add(h.room_id);
        continue;
      }
      expired.push(h);
      const r = (rooms[h.room_id] ??= { messages: 0, replies: 0, reactions: 0, fileIds: [], through: 0 });
      r.messages++;
      r.through = h.event_order;
    }
    if (expired.length === 0) return { rooms, cursor, done, stopped: [...stopped] };
    const ids = new Set(expired.map((h) => h.id));
    const orders = expired.map((h) => h.event_order);
    // A thread goes with its root: its replies are reachable only through it.
    const roots = expired.filter((h) => h.has_replies);
    for (const root of roots) {
      for (const r of this.s.replies.all(root.id)) {
        if (ids.has(r.id)) continue;
        ids.add(r.id);
        orders.push(r.event_order);
        rooms[root.room_id]!.messages++;
        rooms[root.room_id]!.replies++;
      }
    }
    const idList = list([...ids]);
    for (const f of this.s.files.all(idList)) rooms[f.room_id]?.fileIds.push(f.file_id);
    for (const x of this.s.reactions.all(idList)) if (rooms[x.room_id]) rooms[x.room_id]!.reactions = x.n;
    this.s.delReactions.run(idList);
    this.s.delMentions.run(idList);
    this.s.delFileLinks.run(idList);
    if (roots.length) this.s.delFollows.run(list(roots.map((r) => r.id)));
    this.counts.beforeRemoval(idList);
    this.s.delMessages.run(idList);
    this.s.tombstoneOrders.run(list(orders));
    for (const [roomId, r] of Object.entries(rooms)) this.s.setThrough.run(r.through, roomId, r.through);
    return { rooms, cursor, done, stopped: [...stopped] };
  }

  tombstoneOrphans(roomIds: readonly string[], after: number, upTo: number): number {
    return this.s.tombstoneOrphans.run(after, upTo, list(roomIds)).changes;
  }

  countExpired(roomId: string, cutoff: number): ExpiryCount {
    return {
      messages: this.s.count.get(roomId, cutoff)!.n,
      reactions: this.s.countReactions.get(roomId, cutoff)!.n,
      files: this.s.countFiles.get(roomId, cutoff)!.n,
    };
  }

  dropFiles(fileIds: readonly string[], limit: number, unsentBefore: number): { files: number; unsent: number; blobs: string[]; more: boolean } {
    const orphans = this.s.orphans.all(limit).map((o) => o.id);
    const unsent = new Set(this.s.unsent.all(unsentBefore, limit).map((o) => o.id));
    const candidates = list([...new Set([...fileIds, ...orphans, ...unsent])]);
    const gone = this.s.unlinked.all(candidates);
    const more = orphans.length >= limit || unsent.size >= limit;
    if (gone.length === 0) return { files: 0, unsent: 0, blobs: [], more };
    const goneIds = list(gone.map((g) => g.id));
    this.s.delLinksOfFiles.run(goneIds);
    this.s.delFiles.run(goneIds);
    const blobs = [...new Set(gone.map((g) => g.sha256))].filter((sha) => !this.blobInUse(sha));
    return { files: gone.length, unsent: gone.filter((g) => unsent.has(g.id)).length, blobs, more };
  }

  blobInUse(sha256: string): boolean {
    return this.s.blobInUse.get(sha256) !== undefined;
  }

  holdSearchMerges(hold: boolean): void {
    // 0 stops automatic merges; back to FTS5's own default after (nothing else in the schema sets it).
    for (const st of hold ? [this.s.holdMerges, this.s.holdMergesTri] : [this.s.resumeMerges, this.s.resumeMergesTri]) st.run();
  }

  mergeSearch(pages: number): void {
    // A positive merge: up to `pages` pages on the level with the most segments, resumed by the next call.
    this.s.mergeWord.run(pages);
    this.s.mergeTri.run(pages);
  }

  compactSearch(pages: number): boolean {
    let worked = false;
    for (const merge of [this.s.mergeWord, this.s.mergeTri]) {
      const before = this.s.changes.get()!.c;
      merge.run(-pages);
      // The command itself counts one change; more means segment pages were written.
      if (this.s.changes.get()!.c - before > 1) worked = true;
    }
    return worked;
  }

  recountReaders(roomId: string): void {
    this.counts.recount(roomId);
  }

  warmSearchIndex(from: WarmPosition, limit: number): WarmPosition | null {
    // The word index's blocks, then the trigram index's, each in key order.
    const indexes = [this.s.warmWord, this.s.warmTri];
    for (let index = from.index; index < indexes.length; index++) {
      const last = indexes[index]!.get(index === from.index ? from.after : -1, limit);
      if (last?.n === limit) return { index, after: last.id };
    }
    return null;
  }

  reclaim(pages: number): number {
    // Only a file in incremental auto-vacuum mode can hand pages back a few at a time (new databases are;
    // `od-server vacuum` converts an older one). The pages at the end move into free ones, and the file is
    // cut at the next checkpoint.
    if (this.db.pragma('auto_vacuum', { simple: true }) !== INCREMENTAL) return 0;
    this.db.pragma(`incremental_vacuum(${Math.max(1, Math.floor(pages))})`);
    return this.db.pragma('freelist_count', { simple: true }) as number;
  }

  async scrub(): Promise<boolean> {
    if (this.db.inTransaction) return false;
    return this.checkpoint();
  }
}
