import { charWidth } from './width.js';

/**
 * Word-wrap plain text into rows of at most `width` cells. Explicit newlines start new rows, runs of spaces
 * at a break are dropped, and a word longer than a row is cut hard.
 */
export function wrapText(text: string, width: number): string[] {
  const w = Math.max(1, width);
  const rows: string[] = [];
  for (const para of text.replace(/\t/g, '  ').split('\n')) {
    let row = '';
    let rowW = 0;
    const words = para.split(/( +)/);
    for (const word of words) {
      if (word === '') continue;
      const isSpace = word.startsWith(' ');
      const ww = isSpace ? word.length : widthOf(word);
      if (rowW + ww <= w) {
        row += word;
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
        row = word;
        rowW = ww;
        continue;
      }
      // Hard-cut a word wider than the remaining row.
      for (const ch of word) {
        const cw = charWidth(ch.codePointAt(0)!);
        if (rowW + cw > w && rowW > 0) {
          rows.push(row);
          row = '';
          rowW = 0;
        }
        row += ch;
        rowW += cw;
      }
    }
    rows.push(row.trimEnd());
  }
  return rows;
}

function widthOf(word: string): number {
  let n = 0;
  for (const ch of word) n += charWidth(ch.codePointAt(0)!);
  return n;
}
