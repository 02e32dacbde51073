import type { Bitmap } from './bitmap.js';
import { encodePng } from './png.js';

/**
 * iTerm2's inline image (OSC 1337 File=…): a PNG od encoded itself, stretched by the terminal over exactly
 * `cols`×`rows` cells (`preserveAspectRatio=0`: the cell count already keeps the picture's shape), so it
 * covers the rows reserved for it and nothing else. WezTerm and mintty read it too.
 */
export function itermEncode(b: Bitmap, cols: number, rows: number): string {
  const png = encodePng(b);
  return `\x1b]1337;File=inline=1;size=${png.length};width=${cols};height=${rows};preserveAspectRatio=0:${png.toString('base64')}\x07`;
}
