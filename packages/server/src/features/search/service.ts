import type { Message, ParsedParams, PublicUser, RequestResult, Room } from '@open-discord/protocol';
import { ProtocolError } from '@open-discord/protocol';
import type { ServiceDeps } from '../../core/deps.js';
import { publicUser } from '../accounts/users.js';
import { messageToWire } from '../messages/wire.js';
import { roomNotFound } from '../rooms/errors.js';
import { type Indexer, type IndexerOptions, startIndexer } from './indexer.js';
import { parseQuery } from './query.js';
import { snippetOf } from './snippet.js';

const DEFAULT_LIMIT = 20;
const DEFAULT_AROUND = 25;
/** Pending messages a search indexes in one commit-queue step before it runs (at most `searchBacklog` wait). */
const INDEX_BATCH = 2000;

const messageNotFound = () => new ProtocolError('NOT_FOUND', 'message not found');

/** Name matches: prefix matches first, then by name; `name` is already case folded. */
function byMatch<T>(items: readonly T[], name: (t: T) => string, q: string, limit: number): T[] {
  const hits = items.filter((t) => name(t).includes(q));
  const rank = (t: T) => (name(t).startsWith(q) ? 0 : 1);
  return hits.sort((a, b) => rank(a) - rank(b) || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0)).slice(0, limit);
}

/**
 * Search over what a user may read, and a message in its context. Read-only: nothing goes through the commit
 * queue. Visibility is decided here, before storage is asked: the repository receives the allowed rooms and
 * never sees another, so neither hits nor their number depend on rooms the asker cannot read.
 */
export class SearchService {
  constructor(private readonly d: ServiceDeps) {}

  /**
   * Without `roomId`: the rooms the user is in (joined text rooms, their dms and groups); a room they left
   * or cannot see is not searched. With `roomId`: that room if they may read it (as `history`, which lets a
   * viewer preview a text room before joining); a room they cannot see answers like a missing one.
   */
  async messages(userId: string, p: ParsedParams<'search'>): Promise<RequestResult<'search'>> {
    const view = await this.d.access.view();
    let roomIds: string[];
    if (p.roomId !== undefined) {
      if (!view.canSeeRoom(userId, p.roomId)) throw roomNotFound();
      roomIds = [p.roomId];
    } else {
      roomIds = [];
      for (const r of view.allRooms()) if (!r.deleted && r.joined.has(userId) && view.roomVisibleTo(userId, r)) roomIds.push(r.id);
    }
    const { terms, substring } = parseQuery(p.query);
    await this.catchUp();
    const found = await this.d.store.search.messages({
      terms,
      substring,
      roomIds,
      authorId: p.authorId ?? null,
      before: p.before ?? null,
      after: p.after ?? null,
      cursor: p.cursor ?? null,
      limit: p.limit ?? DEFAULT_LIMIT,
    });
    return {
      hits: found.rows.map((r) => ({ message: messageToWire(r), ...snippetOf(r.text, terms.map((t) => t.text)) })),
      next: found.next,
    };
  }

  /** Active users whose nickname contains the query (everyone sees every active user's public profile). */
  async users(p: ParsedParams<'search.users'>): Promise<{ users: PublicUser[] }> {
    const q = p.query.toLowerCase();
    const rows = byMatch(await this.d.store.users.list(), (u) => u.nickname.toLowerCase(), q, p.limit ?? DEFAULT_LIMIT);
    const users: PublicUser[] = [];
    for (const u of rows) users.push(await publicUser(this.d.store, u));
    return { users };
  }

  /** Rooms the user may see whose name contains the query; hidden rooms are never considered. */
  async rooms(userId: string, p: ParsedParams<'search.rooms'>): Promise<{ rooms: Room[] }> {
    const view = await this.d.access.view();
    const q = p.query.toLowerCase();
    const visible = (await this.d.store.rooms.all()).filter((r) => view.canSeeRoom(userId, r.id));
    const rooms: Room[] = [];
    for (const r of byMatch(visible, (x) => x.name.toLowerCase(), q, p.limit ?? DEFAULT_LIMIT)) {
      rooms.push(await this.d.store.rooms.toWire(r));
    }
    return { rooms };
  }

  /**
   * Index the messages still pending, so a search never misses one just sent (new messages are tokenised off
   * the send path: see the search migration). A step of the commit queue, as every write is.
   */
  async catchUp(): Promise<void> {
    const { store, queue } = this.d;
    while (await store.search.hasPending()) await queue.submit(async () => void (await store.search.indexPending(INDEX_BATCH)));
  }

  /** Index pending messages in the background, in big batches when the server is quiet: see `indexer.ts`. */
  startIndexer(o: IndexerOptions): Indexer {
    return startIndexer(this.d, o);
  }

  /** A message with the messages before and after it: authorised like `history`. */
  async around(userId: string, p: ParsedParams<'history.around'>): Promise<RequestResult<'history.around'>> {
    if (!(await this.d.access.view()).canSeeRoom(userId, p.roomId)) throw roomNotFound();
    const hit = await this.d.store.messages.get(p.messageId);
    if (!hit || hit.roomId !== p.roomId || hit.deleted) throw messageNotFound();
    // A reply shown in its thread only is not in the room's list: its root stands for it there.
    const root = hit.threadId && !hit.alsoInRoom ? await this.d.store.messages.get(hit.threadId) : null;
    const m = root && !root.deleted ? root : hit;
    const nb = p.before ?? DEFAULT_AROUND;
    const na = p.after ?? DEFAULT_AROUND;
    const older = await this.d.store.messages.before(p.roomId, m.order, nb + 1);
    const newer = await this.d.store.search.after(p.roomId, m.order, na + 1);
    const messages: Message[] = [...older.slice(0, nb).reverse(), m, ...newer.slice(0, na)].map(messageToWire);
    return { messages, olderEnd: older.length <= nb, newerEnd: newer.length <= na };
  }
}
