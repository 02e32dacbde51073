import { graphemes, graphemeWidth } from './width.js';

/**
 * Word-wrap plain text into rows of at most `width` cells. Explicit newlines start new rows, runs of spaces
 * at a break are dropped, and a word longer than a row is cut hard — between grapheme clusters, never
 * inside one (an accent never lands alone at the start of a row). Zero-width graphemes, which a terminal
 * prints in no cell, are left out (see width.ts), so every row is exactly as wide as measured.
 */
export function wrapText(text: string, width: number): string[] {
  const w = Math.max(1, width);
  const rows: string[] = [];
  for (const para of text.replace(/\t/g, '  ').split('\n')) {
    let row = '';
    let rowW = 0;
    for (const word of words(para)) {
      const isSpace = word.text.startsWith(' ');
      const ww = word.width;
      if (rowW + ww <= w) {
        row += word.text;
        rowW += ww;
        continue;
      }
      if (isSpace) {
        // A break falls inside this run of spaces: end the row here and drop the spaces.
        rows.push(row);
        row = '';
        rowW = 0;
        continue;
      }
      if (rowW > 0 && ww <= w) {
        rows.push(row.trimEnd());
        row = word.text;
        rowW = ww;
        continue;
      }
      // Hard-cut a word wider than the remaining row.
      for (const g of word.graphemes) {
        const gw = graphemeWidth(g);
        if (rowW + gw > w && rowW > 0) {
          rows.push(row);
          row = '';
          rowW = 0;
        }
        row += g;
        rowW += gw;
      }
    }
    rows.push(row.trimEnd());
  }
  return rows;
}

interface Word {
  text: string;
  width: number;
  graphemes: string[];
}

/** Runs of plain spaces and runs of anything else, by grapheme; zero-width graphemes dropped. */
function words(para: string): Word[] {
  const out: Word[] = [];
  let cur: Word | null = null;
  const simple = /^[\x20-\x7e]*$/.test(para);
  for (const g of simple ? para : graphemes(para)) {
    const gw = simple ? 1 : graphemeWidth(g);
    if (gw === 0) continue;
    const space = g === ' ';
    if (!cur || (cur.text.startsWith(' ') ? !space : space)) {
      cur = { text: '', width: 0, graphemes: [] };
      out.push(cur);
    }
    cur.text += g;
    cur.width += gw;
    cur.graphemes.push(g);
  }
  return out;
}
