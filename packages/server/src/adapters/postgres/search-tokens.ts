import { SEPARATOR_RANGES, TRIGRAM_FOLD_RUNS, WORD_DROP_RANGES, WORD_FOLD_RUNS } from './unicode61-table.js';

/*
 * SQLite's FTS5 tokenizers, in JavaScript, so the PostgreSQL engine finds exactly what the SQLite engine
 * finds. PostgreSQL's own parsers split and fold differently (`simple` keeps diacritics, its parser makes one
 * token of `foo_bar` and of e-mail addresses, and what counts as a letter follows the database's locale), so
 * the search repository tokenises here and stores the result: a tsvector of these tokens for words, and the
 * case-folded text for substrings (matched with LIKE, which a pg_trgm index serves).
 *
 * SQLite decides per code point; unicode61-table.ts holds its decisions for every code point, generated
 * from SQLite itself.
 */

/** Binary search in flattened [start, end] ranges. */
function inRanges(ranges: readonly number[], c: number): boolean {
  let lo = 0;
  let hi = ranges.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (c < ranges[2 * mid]!) hi = mid - 1;
    else if (c > ranges[2 * mid + 1]!) lo = mid + 1;
    else return true;
  }
  return false;
}

function foldMap(runs: readonly number[]): Map<number, number> {
  const m = new Map<number, number>();
  for (let i = 0; i < runs.length; i += 4) {
    const [start, count, step, delta] = [runs[i]!, runs[i + 1]!, runs[i + 2]!, runs[i + 3]!];
    for (let k = 0; k < count; k++) m.set(start + k * step, start + k * step + delta);
  }
  return m;
}

let wordFolds: Map<number, number> | null = null;
let triFolds: Map<number, number> | null = null;

/** The tokens of `text` as the word index (unicode61, remove_diacritics 2) makes them, in order. */
export function wordTokens(text: string): string[] {
  wordFolds ??= foldMap(WORD_FOLD_RUNS);
  const out: string[] = [];
  let cur = '';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (inRanges(SEPARATOR_RANGES, c)) {
      if (cur) out.push(cur);
      cur = '';
    } else if (!inRanges(WORD_DROP_RANGES, c)) {
      const f = wordFolds.get(c);
      cur += f === undefined ? ch : String.fromCodePoint(f);
    }
    // A token of dropped marks only is no token (and takes no position), as in SQLite.
  }
  if (cur) out.push(cur);
  return out;
}

/** `text` case folded as the substring index (trigram, case-insensitive) folds it. */
export function trigramFold(text: string): string {
  triFolds ??= foldMap(TRIGRAM_FOLD_RUNS);
  let out = '';
  for (const ch of text) {
    const f = triFolds.get(ch.codePointAt(0)!);
    out += f === undefined ? ch : String.fromCodePoint(f);
  }
  return out;
}

/** Scripts written without spaces: only such text goes into the substring index (as in SQLite's `has_unspaced`). */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
export const hasUnspaced = (text: string): boolean => UNSPACED.test(text);

/** PostgreSQL refuses a lexeme of 2048 bytes or more, and positions stop at 16383. */
const MAX_LEXEME_BYTES = 2047;
const MAX_POSITION = 16383;

/** A lexeme cut to what PostgreSQL takes (at a character boundary); index and query cut alike. */
function fit(token: string): string {
  if (Buffer.byteLength(token) <= MAX_LEXEME_BYTES) return token;
  let out = '';
  let bytes = 0;
  for (const ch of token) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > MAX_LEXEME_BYTES) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/** A lexeme in tsvector / tsquery input syntax: quoted, quotes and backslashes escaped (user text is never syntax). */
const lexeme = (token: string) => `'${fit(token).replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;

/**
 * The word index entry of a message: a tsvector literal (cast with ::tsvector, which keeps lexemes as given)
 * with each token's positions, so a quoted phrase of several tokens matches adjacent tokens only.
 */
export function tsvectorOf(text: string): string {
  const positions = new Map<string, number[]>();
  wordTokens(text).forEach((t, i) => {
    const key = fit(t);
    const list = positions.get(key);
    const pos = Math.min(i + 1, MAX_POSITION);
    if (!list) positions.set(key, [pos]);
    else if (list[list.length - 1] !== pos) list.push(pos);
  });
  return [...positions].map(([t, p]) => `${lexeme(t)}:${p.join(',')}`).join(' ');
}

/**
 * A query term as FTS5 reads the quoted string `"term"` (and `"term"*`): its tokens as a phrase, the last one
 * a prefix when asked. Null when the term has no token (it then matches nothing, as an empty phrase).
 */
export function tsqueryOf(term: string, prefix: boolean): string | null {
  const tokens = wordTokens(term);
  if (tokens.length === 0) return null;
  return tokens.map((t, i) => (prefix && i === tokens.length - 1 ? `${lexeme(t)}:*` : lexeme(t))).join(' <-> ');
}

/** A term as a LIKE pattern matching it anywhere, its wildcards escaped (ESCAPE '\'). */
export const likeOf = (term: string): string => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
