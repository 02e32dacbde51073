import { z } from 'zod';
import { Id, Message, Order, PublicUser, Room, Timestamp } from '../model.js';
import { req } from './request.js';

// Searching what one may read (messages, users, rooms) and loading a message in its context (jump to it).
// No events: search is a read-only view of the messages projection.

/** Longest query text (characters). */
export const SEARCH_QUERY_MAX = 200;
/** Most hits a `search` page returns. */
export const SEARCH_LIMIT_MAX = 50;
/** Most messages `history.around` returns on each side of the message. */
export const AROUND_MAX = 100;

/** `[start, end)` in UTF-16 code units of `snippet`: where the query matched. */
export const MatchRange = z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]);

export const SearchHit = z.object({
  message: Message,
  /** An excerpt of the message around the first match (the whole text when short). */
  snippet: z.string(),
  /** Where the query's terms occur in `snippet`, ascending and not overlapping; may be empty. */
  ranges: z.array(MatchRange),
});
export type SearchHit = z.infer<typeof SearchHit>;

const query = z.string().trim().min(1).max(SEARCH_QUERY_MAX);
const nameQuery = z.string().trim().min(1).max(64);
const limit = z.number().int().min(1).max(SEARCH_LIMIT_MAX).optional();

export const requests = {
  /**
   * Messages containing every term of `query` (whole words; `word*` a prefix; CJK text as substrings), newest first, in the rooms the asker is in (joined text rooms,
   * their dms and groups) or, with `roomId`, in that one room if they may read it (as `history`). `before`
   * and `after` are epoch ms bounds on the message's time; `cursor` is a previous page's `next`.
   */
  search: req(
    {
      query,
      roomId: Id.optional(),
      authorId: Id.optional(),
      before: Timestamp.optional(),
      after: Timestamp.optional(),
      limit,
      cursor: Order.optional(),
    },
    z.object({
      hits: z.array(SearchHit),
      /** Pass as `cursor` for the next (older) page; null when there is none. */
      next: Order.nullable(),
    }),
  ),
  /** Active users whose nickname contains `query` (case folded), prefix matches first. */
  'search.users': req({ query: nameQuery, limit }, z.object({ users: z.array(PublicUser) })),
  /** Rooms the asker may see whose name contains `query` (case folded), prefix matches first. */
  'search.rooms': req({ query: nameQuery, limit }, z.object({ rooms: z.array(Room) })),
  /**
   * A message in its context: up to `before` messages older than it, the message, and up to `after` newer ones,
   * ascending. Authorised like `history`; a deleted or unknown message answers NOT_FOUND.
   */
  'history.around': req(
    {
      roomId: Id,
      messageId: Id,
      before: z.number().int().min(0).max(AROUND_MAX).optional(),
      after: z.number().int().min(0).max(AROUND_MAX).optional(),
    },
    z.object({
      messages: z.array(Message),
      /** Nothing older exists in the room. */
      olderEnd: z.boolean(),
      /** Nothing newer exists in the room (the window reaches the newest message). */
      newerEnd: z.boolean(),
    }),
  ),
} as const;
