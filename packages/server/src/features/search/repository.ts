import type { Awaitable } from '../../ports/awaitable.js';
import type { MessageRow } from '../messages/repository.js';

export interface SearchTerm {
  text: string;
  /** Typed with a trailing `*`: any word starting with `text`. */
  prefix: boolean;
}

/** What a message search asks the storage for: terms already split, rooms already authorised. */
export interface MessageQuery {
  /**
   * Every hit contains every term (case folded): as a word, or with `prefix` as the start of a word. Non-empty;
   * each term has a letter or digit.
   */
  terms: readonly SearchTerm[];
  /**
   * Match terms as substrings of the text, not as words: the query has text written without spaces between
   * words (Chinese, Japanese), which a word index cannot split.
   */
  substring: boolean;
  /** The rooms the asker may search; a hit is always in one of them. */
  roomIds: readonly string[];
  authorId: string | null;
  /** created_at < before (epoch ms). */
  before: number | null;
  /** created_at >= after (epoch ms). */
  after: number | null;
  /** Only messages with order < cursor (the previous page's `next`). */
  cursor: number | null;
  limit: number;
}

export interface MessageHits {
  /** Newest first. */
  rows: MessageRow[];
  /** Where the next page starts (an order), or null when nothing older can match. */
  next: number | null;
}

/** The search feature's storage: full-text indexes over the messages projection, and a message's context. */
export interface SearchRepository {
  messages(q: MessageQuery): Awaitable<MessageHits>;
  /** Up to `limit` live messages of a room with order > after, oldest first. */
  after(roomId: string, after: number, limit: number): Awaitable<MessageRow[]>;
  /** Empty both full-text indexes and fill them again from the messages (they are projections). */
  rebuild(): Awaitable<{ messages: number }>;
  /** New or edited messages not tokenised yet (they are indexed off the send path, and before any search). */
  hasPending(): Awaitable<boolean>;
  /** Index up to `limit` of them, oldest first (a write: run it as a commit-queue step); how many were. */
  indexPending(limit: number): Awaitable<number>;
}
