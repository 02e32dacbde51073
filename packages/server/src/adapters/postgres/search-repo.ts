import type { MessageHits, MessageQuery, SearchRepository, SearchTerm } from '../../features/search/repository.js';
import type { MessageRow } from '../../features/messages/repository.js';
import { MESSAGE_COLS, type RawMessage, toMessageRow } from './raw-message.js';
import { ids, num, type Sql } from './repo-sql.js';
import { hasUnspaced, likeOf, trigramFold, tsqueryOf, tsvectorOf } from './search-tokens.js';

/**
 * How many of the searchable rooms' newest messages (older than the cursor) one page of a short substring
 * query reads: the same bound as the SQLite engine's, so both answer the same pages and cursors.
 */
export const SUBSTRING_SCAN_LIMIT = 5000;

/** Trigram matching needs three characters; shorter terms are checked with LIKE on a bounded window. */
const TRIGRAM = 3;

/**
 * SQLite's LIKE folds ASCII letters only (é and É differ): the short-substring filter folds the same way, so
 * both engines answer alike whatever the database's locale.
 */
const ASCII_FOLD = "translate(m.text, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')";

/**
 * PostgreSQL implementation of the search feature's SearchRepository over `message_search` (schema/search.ts):
 * a tsvector of SQLite's unicode61 tokens for words, the case-folded text of unspaced messages for
 * substrings (pg_trgm serves the LIKE). The allowed rooms are a condition on the index row itself, checked
 * with the match and before the LIMIT: a hit in another room is never counted, ranked or returned.
 */
export class PgSearchRepo implements SearchRepository {
  constructor(private readonly db: Sql) {}

  async messages(q: MessageQuery): Promise<MessageHits> {
    if (q.roomIds.length === 0) return { rows: [], next: null };
    const chars = (t: SearchTerm) => [...t.text].length;
    const long = q.substring ? q.terms.filter((t) => chars(t) >= TRIGRAM) : q.terms;
    const short = q.substring ? q.terms.filter((t) => chars(t) < TRIGRAM) : [];
    const args: unknown[] = [];
    const arg = (v: unknown) => `$${args.push(v)}`;
    const where: string[] = ['m.deleted = 0'];
    if (q.authorId !== null) where.push(`m.author_id = ${arg(q.authorId)}`);
    if (q.before !== null) where.push(`m.created_at < ${arg(q.before)}`);
    if (q.after !== null) where.push(`m.created_at >= ${arg(q.after)}`);
    for (const t of short) where.push(`${ASCII_FOLD} LIKE ${arg(likeOf(t.text))} ESCAPE '\\'`);
    const cursor = q.cursor ?? Number.MAX_SAFE_INTEGER;
    const rooms = arg(ids(q.roomIds));

    if (long.length === 0) {
      // Only short substrings: the newest live messages of the allowed rooms, a bounded window per page, then
      // the window's rows filtered newest first. One row even without hits: it carries where the window ended.
      const limit = arg(q.limit);
      // The window is materialised with its rows' columns, so the filters run on its rows only (left to the
      // planner, the LIKE was pushed into a scan of every message of the table).
      const rows = await this.db.rows<RawMessage & { edge: number | null; hit: boolean }>(
        `WITH w AS MATERIALIZED (
           SELECT ${MESSAGE_COLS} FROM messages m
           WHERE m.room_id = ANY(${rooms}::text[]) AND m.event_order < ${arg(cursor)} AND m.deleted = 0
           ORDER BY m.event_order DESC LIMIT ${SUBSTRING_SCAN_LIMIT}),
         hits AS (
           SELECT m.* FROM w m WHERE ${where.join(' AND ')} ORDER BY m.event_order DESC LIMIT ${limit})
         SELECT h.*, h.id IS NOT NULL AS hit, e.edge FROM
           (SELECT CASE WHEN COUNT(*) = ${SUBSTRING_SCAN_LIMIT} THEN MIN(event_order) END AS edge FROM w) e
           LEFT JOIN hits h ON true
         ORDER BY h.event_order DESC`,
        args,
      );
      const found = rows.filter((r) => r.hit).map(toMessageRow);
      if (found.length === q.limit) return { rows: found, next: found[found.length - 1]!.order };
      const edge = rows[0]?.edge;
      return { rows: found, next: edge === null || edge === undefined ? null : Number(edge) };
    }

    // Words: each term a phrase of its tokens (a prefix when asked), ANDed. Substrings: each term folded as
    // the trigram index folds, matched with LIKE on the folded text of unspaced messages. Newest first.
    let match: string;
    if (q.substring) {
      match = long.map((t) => `s.tri LIKE ${arg(likeOf(trigramFold(t.text)))} ESCAPE '\\'`).join(' AND ');
    } else {
      const parts = long.map((t) => tsqueryOf(t.text, t.prefix));
      // A term without a token is an empty phrase in FTS5: it matches nothing.
      if (parts.some((p) => p === null)) return { rows: [], next: null };
      match = `s.words @@ ${arg(parts.map((p) => `(${p})`).join(' & '))}::tsquery`;
    }
    const rows = await this.db.rows<RawMessage>(
      `SELECT ${MESSAGE_COLS} FROM message_search s JOIN messages m ON m.event_order = s.event_order
       WHERE s.room_id = ANY(${rooms}::text[]) AND s.event_order < ${arg(cursor)} AND ${match} AND ${where.join(' AND ')}
       ORDER BY s.event_order DESC LIMIT ${arg(q.limit)}`,
      args,
    );
    const found = rows.map(toMessageRow);
    return { rows: found, next: found.length === q.limit ? found[found.length - 1]!.order : null };
  }

  async hasPending(): Promise<boolean> {
    return (await this.db.row('SELECT 1 AS x FROM search_pending LIMIT 1')) !== null;
  }

  async indexPending(limit: number): Promise<number> {
    // The limit-th oldest pending order bounds this batch (PostgreSQL refuses the negative OFFSET SQLite takes as 0).
    const last = await this.db.row<{ o: number }>('SELECT event_order AS o FROM search_pending ORDER BY event_order LIMIT 1 OFFSET $1', [
      Math.max(0, limit - 1),
    ]);
    const upTo = last ? Number(last.o) : Number.MAX_SAFE_INTEGER;
    const pending = await this.db.rows<{ event_order: number; room_id: string; text: string }>(
      `SELECT m.event_order, m.room_id, m.text FROM search_pending p JOIN messages m ON m.event_order = p.event_order
       WHERE p.event_order <= $1 AND m.deleted = 0 AND m.text <> ''`,
      [upTo],
    );
    await this.write(pending);
    return this.db.run('DELETE FROM search_pending WHERE event_order <= $1', [upTo]);
  }

  /**
   * Tokenise in JavaScript (SQLite's tokenizer, search-tokens.ts) and write the entries, one statement for
   * the lot. Only text in a script without spaces gets the substring column: a substring query always has
   * such a term, so a message without one can never match it.
   */
  private async write(rows: ReadonlyArray<{ event_order: number; room_id: string; text: string }>): Promise<void> {
    if (rows.length === 0) return;
    await this.db.run(
      `INSERT INTO message_search (event_order, room_id, words, tri)
       SELECT o, r, w::tsvector, t FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS x(o, r, w, t)
       ON CONFLICT (event_order) DO UPDATE SET room_id = excluded.room_id, words = excluded.words, tri = excluded.tri`,
      [
        rows.map((r) => Number(r.event_order)),
        rows.map((r) => r.room_id),
        rows.map((r) => tsvectorOf(r.text)),
        rows.map((r) => (hasUnspaced(r.text) ? trigramFold(r.text) : null)),
      ],
    );
  }

  async after(roomId: string, after: number, limit: number): Promise<MessageRow[]> {
    // The room's own list, as `history` pages it: thread replies not also sent to the room stay in their thread.
    const rows = await this.db.rows<RawMessage>(
      `SELECT ${MESSAGE_COLS} FROM messages m WHERE m.room_id = $1 AND m.event_order > $2 AND m.deleted = 0
         AND (m.thread_id IS NULL OR m.also_in_room = 1)
       ORDER BY m.event_order LIMIT $3`,
      [roomId, after, limit],
    );
    return rows.map(toMessageRow);
  }

  /**
   * Empty the index and fill it again from the messages (it is a projection): everything live becomes pending
   * and is indexed in batches, inside the caller's unit of work.
   */
  async rebuild(): Promise<{ messages: number }> {
    await this.db.run('DELETE FROM message_search');
    await this.db.run('DELETE FROM search_pending');
    await this.db.run("INSERT INTO search_pending (event_order) SELECT event_order FROM messages WHERE deleted = 0 AND text <> ''");
    while ((await this.indexPending(REBUILD_BATCH)) > 0);
    return { messages: num((await this.db.row<{ n: number }>('SELECT COUNT(*) AS n FROM message_search'))?.n) };
  }
}

/** Messages tokenised per statement while rebuilding. */
const REBUILD_BATCH = 2000;
