import { ProtocolError } from '@open-discord/protocol';
import type { SearchTerm } from './repository.js';

/** Most terms one query may have: each is one more index lookup (or LIKE) per candidate. */
export const MAX_TERMS = 8;

/**
 * Scripts written without spaces between words: a word tokenizer sees a whole sentence as one token, so
 * terms in them are matched as substrings (Hangul is spaced, but its particles attach to words).
 */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const HAS_WORD_CHAR = /[\p{L}\p{N}]/u;

export interface ParsedQuery {
  terms: SearchTerm[];
  substring: boolean;
}

/**
 * A query as terms: split on white space, case folded, deduplicated; a trailing `*` makes a term a prefix
 * (`deploy*` finds `deployed`). Whole words by default: a prefix has to merge the entries of every word it
 * starts, which for a common stem costs tens of milliseconds at a million messages, against well under one
 * for a word. Terms without a letter or digit are dropped (they match nothing a word index holds). Nothing
 * else is syntax: the adapter quotes every term. No term left is a BAD_REQUEST, as is more than MAX_TERMS.
 */
export function parseQuery(text: string): ParsedQuery {
  const seen = new Set<string>();
  const terms: SearchTerm[] = [];
  for (const word of text.toLowerCase().split(/\s+/u)) {
    const prefix = /[^*]\*+$/u.test(word);
    const t = prefix ? word.replace(/\*+$/u, '') : word;
    if (!HAS_WORD_CHAR.test(t) || seen.has(`${prefix}:${t}`)) continue;
    seen.add(`${prefix}:${t}`);
    terms.push({ text: t, prefix });
  }
  if (terms.length === 0) throw new ProtocolError('BAD_REQUEST', 'search for at least one word');
  if (terms.length > MAX_TERMS) throw new ProtocolError('BAD_REQUEST', `search for at most ${MAX_TERMS} words`);
  return { terms, substring: terms.some((t) => UNSPACED.test(t.text)) };
}
