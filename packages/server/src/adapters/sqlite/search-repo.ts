import type { MessageHits, MessageQuery, SearchRepository, SearchTerm } from '../../features/search/repository.js';
import type { MessageRow } from '../../features/messages/repository.js';
import { type RawMessage, toRow } from './messages-repo.js';
import type { Db } from './db.js';
import { rebuildSearchIndex } from './migrations.js';

/**
 * How many of the searchable rooms' newest messages (older than the cursor) one page of a short substring
 * query reads. A term of one or two characters (常, 東京) is shorter than a trigram, so no index serves it:
 * such a query reads this many messages at most and answers with a cursor to read the next ones.
 */
export const SUBSTRING_SCAN_LIMIT = 5000;

/** A term as one FTS5 string: user text never becomes query syntax (quotes doubled, the rest literal). */
const quoted = (term: string) => `"${term.replaceAll('"', '""')}"`;
/** A term as a LIKE pattern matching it anywhere, its wildcards escaped. */
const likeOf = (term: string) => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** A prepared statement of a shape known only at run time (the number of terms and filters varies). */
interface Stmt {
  all(...args: unknown[]): unknown[];
  get(...args: unknown[]): unknown;
}

/** Trigram matching needs three characters; shorter terms are checked with LIKE on the candidates. */
const TRIGRAM = 3;

/**
 * Up to this many allowed rooms, a short-substring page reads each room's own index (newest first, merged):
 * it touches the allowed rooms' entries only, so its cost never depends on what other rooms hold. Beyond
 * it, one scan of the order index filtered by room (which then mostly reads allowed rooms anyway).
 */
const MERGE_ROOMS_MAX = 256;

/** A binary min-heap on `key` (newest-first merging uses negated orders). */
class Heap {
  private readonly items: Array<{ key: number; at: number }> = [];
  get size(): number {
    return this.items.length;
  }
  push(key: number, at: number): void {
    const a = this.items;
    a.push({ key, at });
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]!.key <= a[i]!.key) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }
  pop(): { key: number; at: number } {
    const a = this.items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]!.key < a[m]!.key) m = l;
        if (r < a.length && a[r]!.key < a[m]!.key) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}

/**
 * SQLite implementation of the search feature's SearchRepository, over the two contentless FTS5 indexes of
 * migration 12 (word: unicode61; substring: trigram), both keyed by the message's event order. The allowed
 * rooms are a filter inside the same query, applied to every candidate before the LIMIT: a hit in another
 * room is never counted, ranked or returned.
 */
export class SqliteSearchRepo implements SearchRepository {
  private readonly db: Db;
  private readonly afterStmt;
  private readonly cache = new Map<string, Stmt>();
  /** One statement per room merged at once: a statement runs one iteration at a time. */
  private readonly roomOrders: Array<{ iterate(...args: unknown[]): IterableIterator<number> }> = [];

  constructor(db: Db) {
    this.db = db;
    this.afterStmt = db.prepare<[string, number, number], RawMessage>(
      // The room's own list, as `history` pages it: thread replies not also sent to the room stay in their thread.
      `SELECT * FROM messages WHERE room_id = ? AND event_order > ? AND deleted = 0 AND (thread_id IS NULL OR also_in_room = 1)
       ORDER BY event_order LIMIT ?`,
    );
  }

  /** One prepared statement per query shape (index, number of LIKE terms, filters), reused. */
  private stmt(sql: string): Stmt {
    let s = this.cache.get(sql);
    if (!s) {
      if (this.cache.size > 200) this.cache.clear();
      s = this.db.prepare<unknown[]>(sql) as Stmt;
      this.cache.set(sql, s);
    }
    return s;
  }

  messages(q: MessageQuery): MessageHits {
    if (q.roomIds.length === 0) return { rows: [], next: null };
    const chars = (t: SearchTerm) => [...t.text].length;
    const long = q.substring ? q.terms.filter((t) => chars(t) >= TRIGRAM) : q.terms;
    const short = q.substring ? q.terms.filter((t) => chars(t) < TRIGRAM) : [];
    // `+m.room_id`: the room test is a filter on each candidate the index yields (newest first), never an
    // index to drive the query by; driven by the room index, SQLite would look every candidate up per room.
    const where: string[] = ['+m.room_id IN (SELECT value FROM json_each(?))', 'm.deleted = 0'];
    const args: unknown[] = [JSON.stringify(q.roomIds)];
    if (q.authorId !== null) (where.push('m.author_id = ?'), args.push(q.authorId));
    if (q.before !== null) (where.push('m.created_at < ?'), args.push(q.before));
    if (q.after !== null) (where.push('m.created_at >= ?'), args.push(q.after));
    for (const t of short) (where.push("m.text LIKE ? ESCAPE '\\'"), args.push(likeOf(t.text)));
    const cursor = q.cursor ?? Number.MAX_SAFE_INTEGER;

    if (long.length === 0 && q.roomIds.length <= MERGE_ROOMS_MAX) {
      // Only short substrings: the newest live messages of the allowed rooms, a bounded window per page,
      // merged from each room's index; then the window's rows, filtered (LIKE) newest first.
      const window = this.newestOf(q.roomIds, cursor, SUBSTRING_SCAN_LIMIT);
      const rows = (
        this.stmt(
          `SELECT m.* FROM json_each(?) w CROSS JOIN messages m INDEXED BY messages_order ON m.event_order = w.value
           WHERE ${where.join(' AND ')} ORDER BY m.event_order DESC LIMIT ?`,
        ).all(JSON.stringify(window), ...args, q.limit) as RawMessage[]
      ).map(toRow);
      if (rows.length === q.limit) return { rows, next: rows[rows.length - 1]!.order };
      return { rows, next: window.length === SUBSTRING_SCAN_LIMIT ? window[window.length - 1]! : null };
    }

    if (long.length === 0) {
      // Only short substrings, over very many rooms: one scan of the order index, filtered by room.
      const window = this.stmt(
        `SELECT m.* FROM (SELECT event_order FROM messages INDEXED BY messages_order
            WHERE event_order < ? AND room_id IN (SELECT value FROM json_each(?)) AND deleted = 0
            ORDER BY event_order DESC LIMIT ${SUBSTRING_SCAN_LIMIT}) w
         CROSS JOIN messages m ON m.event_order = w.event_order
         WHERE ${where.join(' AND ')} ORDER BY m.event_order DESC LIMIT ?`,
      );
      const rows = (window.all(cursor, JSON.stringify(q.roomIds), ...args, q.limit) as RawMessage[]).map(toRow);
      if (rows.length === q.limit) return { rows, next: rows[rows.length - 1]!.order };
      // The window ended before the page filled: the next page reads the window after it, if any.
      const edge = this.stmt(
        `SELECT MIN(event_order) AS o FROM (SELECT event_order FROM messages INDEXED BY messages_order
            WHERE event_order < ? AND room_id IN (SELECT value FROM json_each(?)) AND deleted = 0
            ORDER BY event_order DESC LIMIT ${SUBSTRING_SCAN_LIMIT}) HAVING COUNT(*) = ${SUBSTRING_SCAN_LIMIT}`,
      ).get(cursor, JSON.stringify(q.roomIds)) as { o: number } | undefined;
      return { rows, next: edge?.o ?? null };
    }

    // Word index: each term a quoted phrase, a prefix when asked for. Trigram index: each term a quoted
    // substring. Terms are ANDed. Newest first straight off the index (rowid = order).
    const table = q.substring ? 'messages_fts_tri' : 'messages_fts_word';
    const match = long.map((t) => (t.prefix && !q.substring ? `${quoted(t.text)}*` : quoted(t.text))).join(' AND ');
    const sql = `SELECT m.* FROM ${table} f CROSS JOIN messages m ON m.event_order = f.rowid
       WHERE ${table} MATCH ? AND f.rowid < ? AND ${where.join(' AND ')}
       ORDER BY f.rowid DESC LIMIT ?`;
    const rows = (this.stmt(sql).all(match, cursor, ...args, q.limit) as RawMessage[]).map(toRow);
    return { rows, next: rows.length === q.limit ? rows[rows.length - 1]!.order : null };
  }

  /** The orders of the `n` newest live messages (of any kind) of these rooms below `cursor`, newest first. */
  private newestOf(roomIds: readonly string[], cursor: number, n: number): number[] {
    while (this.roomOrders.length < roomIds.length) {
      this.roomOrders.push(
        this.db
          .prepare<[string, number], number>(
            'SELECT event_order FROM messages INDEXED BY messages_room_order WHERE room_id = ? AND event_order < ? AND deleted = 0 ORDER BY event_order DESC',
          )
          .pluck() as unknown as { iterate(...args: unknown[]): IterableIterator<number> },
      );
    }
    const its = roomIds.map((id, i) => this.roomOrders[i]!.iterate(id, cursor));
    const heap = new Heap();
    const out: number[] = [];
    try {
      its.forEach((it, i) => {
        const r = it.next();
        if (!r.done) heap.push(-r.value, i);
      });
      while (out.length < n && heap.size > 0) {
        const { key, at } = heap.pop();
        out.push(-key);
        const r = its[at]!.next();
        if (!r.done) heap.push(-r.value, at);
      }
    } finally {
      // An iteration left open keeps its statement busy (and the read transaction open).
      for (const it of its) it.return?.();
    }
    return out;
  }

  hasPending(): boolean {
    return this.db.prepare('SELECT 1 FROM search_pending LIMIT 1').get() !== undefined;
  }

  indexPending(limit: number): number {
    const last = this.db.prepare('SELECT event_order AS o FROM search_pending ORDER BY event_order LIMIT 1 OFFSET ?').get(limit - 1) as { o: number } | undefined;
    const upTo = last?.o ?? Number.MAX_SAFE_INTEGER;
    const rows = `SELECT m.event_order, m.text FROM search_pending p JOIN messages m ON m.event_order = p.event_order
                  WHERE p.event_order <= ? AND m.deleted = 0 AND m.text != ''`;
    this.db.prepare(`INSERT INTO messages_fts_word (rowid, text) ${rows}`).run(upTo);
    // Only text in a script without spaces needs the trigram index: a substring query always has such a term,
    // so a message without one can never match it (and tokenising every message in trigrams cost fan-out).
    this.db.prepare(`INSERT INTO messages_fts_tri (rowid, text) ${rows} AND has_unspaced(m.text)`).run(upTo);
    return this.db.prepare('DELETE FROM search_pending WHERE event_order <= ?').run(upTo).changes;
  }

  after(roomId: string, after: number, limit: number): MessageRow[] {
    return this.afterStmt.all(roomId, after, limit).map(toRow);
  }

  rebuild(): { messages: number } {
    rebuildSearchIndex(this.db);
    return { messages: (this.db.prepare('SELECT COUNT(*) AS n FROM messages_fts_word').get() as { n: number }).n };
  }
}
