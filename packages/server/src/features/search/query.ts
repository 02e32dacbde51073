import { ProtocolError } from '@open-discord/protocol';

/** Most terms one query may have: each is one more index lookup (or LIKE) per candidate. */
export const MAX_TERMS = 8;

/**
 * Scripts written without spaces between words: a word tokenizer sees a whole sentence as one token, so
 * terms in them are matched as substrings (Hangul is spaced, but its particles attach to words).
 */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const HAS_WORD_CHAR = /[\p{L}\p{N}]/u;

export interface ParsedQuery {
  terms: string[];
  substring: boolean;
}

/**
 * A query as terms: split on white space, case folded, deduplicated; terms without a letter or digit are
 * dropped (they can match nothing a word index holds). Nothing of it is ever query syntax: the adapter
 * quotes every term. No term left is a BAD_REQUEST, as is a query of more than MAX_TERMS terms.
 */
export function parseQuery(text: string): ParsedQuery {
  const terms = [...new Set(text.toLowerCase().split(/\s+/u).filter((t) => HAS_WORD_CHAR.test(t)))];
  if (terms.length === 0) throw new ProtocolError('BAD_REQUEST', 'search for at least one word');
  if (terms.length > MAX_TERMS) throw new ProtocolError('BAD_REQUEST', `search for at most ${MAX_TERMS} words`);
  return { terms, substring: terms.some((t) => UNSPACED.test(t)) };
}
