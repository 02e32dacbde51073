import stringWidth from 'string-width';

/*
 * Display width of text in terminal cells, measured by string-width (with get-east-asian-width's Unicode
 * tables): the library Ink itself measures and lays out with, so our rows and Ink's always agree. Text is
 * measured, cut and wrapped by grapheme cluster (a letter with its accents, an emoji ZWJ sequence), never
 * inside one.
 *
 * Ink gives every grapheme at least one cell of its screen grid, while a terminal prints a zero-width one
 * (a lone zero-width space, a bidi control) in none: each such grapheme pushed the rest of its row one cell
 * further than Ink thought and cut a character off its end. Text from the wire is cleaned of them first
 * (text/sanitize.ts); the functions here also drop any that remain, so what they return is exactly as wide
 * as they say.
 */

const segmenter = new Intl.Segmenter();

/** The grapheme clusters of `text`. */
export function graphemes(text: string): string[] {
  const out: string[] = [];
  for (const { segment } of segmenter.segment(text)) out.push(segment);
  return out;
}

/** Cells a single grapheme takes (0 for one that prints nothing). */
export const graphemeWidth = (g: string): number => stringWidth(g);

/** Cells `text` takes on screen. */
export function textWidth(text: string): number {
  return stringWidth(text);
}

/** Cut to at most `width` cells; `ellipsis` marks a cut with … (which takes the last cell). */
function cut(text: string, width: number, ellipsis: boolean): string {
  if (width <= 0) return '';
  if (/^[\x20-\x7e]*$/.test(text)) {
    if (text.length <= width) return text;
    return ellipsis ? text.slice(0, width - 1) + '…' : text.slice(0, width);
  }
  const gs = graphemes(text);
  let w = 0;
  let out = '';
  for (let i = 0; i < gs.length; i++) {
    const g = gs[i]!;
    const gw = graphemeWidth(g);
    if (gw === 0) continue;
    if (w + gw > width) return ellipsis && out.length > 0 ? cut(out, width - 1, false) + '…' : out;
    w += gw;
    out += g;
  }
  return out;
}

/** Cut `text` to at most `width` cells, ending a cut with an ellipsis so the reader knows text was cut. */
export function truncate(text: string, width: number): string {
  return cut(text, width, true);
}

/** Pad with spaces (or cut) to exactly `width` cells. */
export function fit(text: string, width: number): string {
  const t = truncate(text, width);
  return t + ' '.repeat(Math.max(0, width - textWidth(t)));
}

/** Cut to at most `width` cells without an ellipsis (for rules and padding). */
export function clip(text: string, width: number): string {
  return cut(text, width, false);
}
