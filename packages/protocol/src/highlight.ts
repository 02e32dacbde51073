/**
 * IRC-style highlights, shared by the server (which counts them in `state.unread[room].mentions`) and the
 * client world (which counts live messages the same way), so the counts agree everywhere.
 *
 * A message is split once into words: maximal runs of the characters nicknames are made of (letters,
 * digits, `_ . -`). `@carol`, `carol: hi`, `carol, hi` and `thanks carol.` all yield the word `carol`
 * (a trailing `.` or `-` is tried both with and without, since it is usually punctuation). The server
 * matches these words against nicknames (by the nickname uniqueness key) and against each user's private
 * highlight words (by `highlightKey`: NFKC and lower case).
 */
const WORD_RE = /[\p{L}\p{N}_.-]+/gu;
/** A message has at most this many distinct candidate words looked up; the rest are ignored. */
export const MAX_HIGHLIGHT_CANDIDATES = 400;

/** The distinct candidate words of a message (bounded), in order of first appearance. */
export function messageWords(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(WORD_RE)) {
    const w = m[0];
    const trimmed = w.replace(/[.-]+$/, '').replace(/^[.-]+/, '');
    if (trimmed) out.add(trimmed);
    if (w !== trimmed && w.length > 0) out.add(w);
    if (out.size >= MAX_HIGHLIGHT_CANDIDATES) break;
  }
  return [...out];
}

/** How highlight words are compared: compatibility forms and case folded. */
export function highlightKey(word: string): string {
  return word.normalize('NFKC').toLowerCase();
}

/**
 * The keys of a highlight list, computed once per list: the world checks every message it folds against
 * the same `me.highlights` array. Lists are never mutated (a new list replaces the old one), so the cache
 * cannot go stale; a WeakMap lets old lists go.
 */
const keysOf = new WeakMap<readonly string[], ReadonlySet<string>>();

/** Does `text` contain one of `words` (a user's highlight words) as a whole word? */
export function highlightHit(text: string, words: readonly string[] | undefined): boolean {
  if (!words || words.length === 0) return false;
  let keys = keysOf.get(words);
  if (!keys) keysOf.set(words, (keys = new Set(words.map(highlightKey))));
  return messageWords(text).some((w) => keys.has(highlightKey(w)));
}

