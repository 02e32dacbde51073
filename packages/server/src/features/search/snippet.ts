/** Longest snippet (UTF-16 code units, before the ellipses); shorter texts are returned whole. */
export const SNIPPET_MAX = 160;
/** How much text before the first match a snippet keeps. */
const LEAD = 40;

export interface Snippet {
  snippet: string;
  ranges: Array<[number, number]>;
}

const isLowSurrogate = (s: string, i: number) => i > 0 && i < s.length && (s.charCodeAt(i) & 0xfc00) === 0xdc00;

/**
 * The part of a message around its first match, and where each term occurs in it. Matching is by case
 * folding (the index also folds diacritics: a hit found that way shows its snippet without a range).
 */
export function snippetOf(text: string, terms: readonly string[]): Snippet {
  const lower = text.toLowerCase();
  // Folding changed lengths (rare: İ): positions in `lower` would not be positions in `text`.
  const hay = lower.length === text.length ? lower : text;
  const found: Array<[number, number]> = [];
  for (const t of terms) {
    for (let at = hay.indexOf(t); at >= 0; at = hay.indexOf(t, at + t.length)) found.push([at, at + t.length]);
  }
  found.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: Array<[number, number]> = [];
  for (const r of found) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  let start = 0;
  let end = text.length;
  if (text.length > SNIPPET_MAX) {
    start = Math.max(0, Math.min((merged[0]?.[0] ?? 0) - LEAD, text.length - SNIPPET_MAX));
    end = start + SNIPPET_MAX;
    // Never cut a surrogate pair in half.
    if (isLowSurrogate(text, start)) start++;
    if (isLowSurrogate(text, end)) end--;
  }
  const pre = start > 0 ? '…' : '';
  const post = end < text.length ? '…' : '';
  const ranges: Array<[number, number]> = [];
  for (const [a, b] of merged) {
    const s = Math.max(a, start);
    const e = Math.min(b, end);
    if (s < e) ranges.push([s - start + pre.length, e - start + pre.length]);
  }
  return { snippet: pre + text.slice(start, end) + post, ranges };
}
