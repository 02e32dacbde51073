import { deflateSync } from 'node:zlib';
import type { Bitmap } from './bitmap.js';

/**
 * The kitty graphics protocol with Unicode placeholders: the picture is sent once (transmit, and a virtual
 * placement of `cols`×`rows` cells), and the screen then shows it wherever text cells hold the placeholder
 * character U+10EEEE in the image's colour. Those cells are ordinary text to Ink, so they scroll, clip and
 * redraw with the rest of the frame and nothing has to be positioned by hand.
 */

/** The payload of one escape is at most this many base64 characters (the protocol's limit). */
export const KITTY_CHUNK = 4096;

export const PLACEHOLDER = String.fromCodePoint(0x10eeee);

/** Row and column numbers as combining marks, from the protocol's table (index n means n). */
const DIACRITICS = [
  0x0305, 0x030d, 0x030e, 0x0310, 0x0312, 0x033d, 0x033e, 0x033f, 0x0346, 0x034a, 0x034b, 0x034c, 0x0350, 0x0351, 0x0352, 0x0357,
  0x035b, 0x0363, 0x0364, 0x0365, 0x0366, 0x0367, 0x0368, 0x0369, 0x036a, 0x036b, 0x036c, 0x036d, 0x036e, 0x036f, 0x0483, 0x0484,
  0x0485, 0x0486, 0x0487, 0x0592, 0x0593, 0x0594, 0x0595, 0x0597, 0x0598, 0x0599, 0x059c, 0x059d, 0x059e, 0x059f, 0x05a0, 0x05a1,
  0x05a8, 0x05a9, 0x05ab, 0x05ac, 0x05af, 0x05c4, 0x0610, 0x0611, 0x0612, 0x0613, 0x0614, 0x0615, 0x0616, 0x0617, 0x0657, 0x0658,
];
/** The widest or tallest placement this table can address. */
export const KITTY_MAX_CELLS = DIACRITICS.length;

/**
 * The escapes that send `b` as image `id` (24-bit RGB, `f=24`, zlib-compressed, `o=z`: a third of the bytes
 * or less over a slow link) and place it virtually over `cols`×`rows` cells (`U=1`), quietly (`q=2`: the
 * terminal answers nothing, so no reply can reach Ink's input). Chunked: the first escape carries the keys,
 * every escape at most KITTY_CHUNK payload characters, `m=1` on all but the last.
 */
export function kittyTransmit(id: number, b: Bitmap, cols: number, rows: number): string {
  if (cols > KITTY_MAX_CELLS || rows > KITTY_MAX_CELLS) throw new RangeError('placement too large for the placeholder table');
  const data = deflateSync(b.rgb).toString('base64');
  const chunks: string[] = [];
  for (let i = 0; i < data.length; i += KITTY_CHUNK) chunks.push(data.slice(i, i + KITTY_CHUNK));
  return chunks
    .map((chunk, n) => {
      const more = n < chunks.length - 1 ? 1 : 0;
      const keys = n === 0 ? `a=T,U=1,f=24,o=z,s=${b.width},v=${b.height},i=${id},c=${cols},r=${rows},q=2,m=${more}` : `m=${more}`;
      return `\x1b_G${keys};${chunk}\x1b\\`;
    })
    .join('');
}

/** Forget image `id` and its placements (and free the terminal's memory for it). */
export const kittyDelete = (id: number) => `\x1b_Ga=d,d=I,i=${id},q=2\x1b\\`;

/** The colour that names image `id` on its placeholder cells (ids are 24-bit). */
export function kittyColor(id: number): string {
  return `#${(id & 0xffffff).toString(16).padStart(6, '0')}`;
}

/** Row `row` of the placeholder text: `cols` cells, each with its row and column marks. */
export function kittyPlaceholderRow(row: number, cols: number): string {
  const r = String.fromCodePoint(DIACRITICS[row]!);
  let out = '';
  for (let c = 0; c < cols; c++) out += PLACEHOLDER + r + String.fromCodePoint(DIACRITICS[c]!);
  return out;
}

/**
 * The kitty image id of a thumbnail placed over `cols`×`rows` cells (a placement's size is part of the image
 * in the placeholder scheme, so another size is another id). 24 bits, never 0: it is also the cells' colour.
 */
export function kittyImageId(fileId: string, cols: number, rows: number): number {
  let h = 0x811c9dc5;
  for (const ch of `${fileId}:${cols}x${rows}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
  return ((h >>> 0) & 0xffffff) || 1;
}
