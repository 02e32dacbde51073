import type { Bitmap } from './bitmap.js';

/**
 * Sixel: the picture as escape text, six pixel rows per band, one palette entry per colour. Sixel has no
 * scaling, so the bitmap must already have its size on screen in pixels.
 */

/** Most terminals offer 256 palette registers; od never asks for more. */
export const SIXEL_MAX_COLORS = 256;

export interface Quantised {
  /** RGB triples, at most SIXEL_MAX_COLORS. */
  palette: Array<[number, number, number]>;
  /** One palette index per pixel. */
  index: Uint16Array;
}

/** Levels of the fallback colour cube per channel (6×6×6 = 216 colours). */
const CUBE = 6;
const level = (v: number) => Math.round((v * (CUBE - 1)) / 255);

/**
 * The colours of `b` as a palette: exactly its own colours when it has few enough (icons, screenshots), else
 * a uniform 6×6×6 cube, which needs no search and keeps every hue within ~10% of itself.
 */
export function quantise(b: Bitmap): Quantised {
  const n = b.width * b.height;
  const index = new Uint16Array(n);
  const seen = new Map<number, number>();
  const palette: Array<[number, number, number]> = [];
  for (let p = 0; p < n; p++) {
    const r = b.rgb[3 * p]!;
    const g = b.rgb[3 * p + 1]!;
    const bl = b.rgb[3 * p + 2]!;
    const key = (r << 16) | (g << 8) | bl;
    let i = seen.get(key);
    if (i === undefined) {
      if (palette.length === SIXEL_MAX_COLORS) return cube(b);
      i = palette.length;
      seen.set(key, i);
      palette.push([r, g, bl]);
    }
    index[p] = i;
  }
  return { palette, index };
}

function cube(b: Bitmap): Quantised {
  const palette: Array<[number, number, number]> = [];
  for (let r = 0; r < CUBE; r++)
    for (let g = 0; g < CUBE; g++) for (let bl = 0; bl < CUBE; bl++) palette.push([(r * 255) / (CUBE - 1), (g * 255) / (CUBE - 1), (bl * 255) / (CUBE - 1)].map(Math.round) as [number, number, number]);
  const n = b.width * b.height;
  const index = new Uint16Array(n);
  for (let p = 0; p < n; p++) index[p] = level(b.rgb[3 * p]!) * CUBE * CUBE + level(b.rgb[3 * p + 1]!) * CUBE + level(b.rgb[3 * p + 2]!);
  return { palette, index };
}

/** A run of one sixel character: `!n` repeats it when that is shorter. */
const run = (ch: string, n: number) => (n > 3 ? `!${n}${ch}` : ch.repeat(n));

/**
 * `b` as one sixel escape: DCS with raster attributes (1:1 pixels, its size), the palette (`#i;2;r;g;b` in
 * percent), then each band of six rows as one line per colour used in it (`$` back to the band's start, `-`
 * to the next band), ended by ST.
 */
export function sixelEncode(b: Bitmap): string {
  const { palette, index } = quantise(b);
  const pct = (v: number) => Math.round((v * 100) / 255);
  let out = `\x1bP0;1q"1;1;${b.width};${b.height}`;
  palette.forEach(([r, g, bl], i) => (out += `#${i};2;${pct(r)};${pct(g)};${pct(bl)}`));
  const bands: string[] = [];
  for (let top = 0; top < b.height; top += 6) {
    const masks = new Map<number, Uint8Array>();
    for (let dy = 0; dy < 6 && top + dy < b.height; dy++) {
      for (let x = 0; x < b.width; x++) {
        const c = index[(top + dy) * b.width + x]!;
        let m = masks.get(c);
        if (!m) masks.set(c, (m = new Uint8Array(b.width)));
        m[x]! |= 1 << dy;
      }
    }
    const lines: string[] = [];
    for (const [c, m] of [...masks].sort((a, z) => a[0] - z[0])) {
      let line = `#${c}`;
      let x = 0;
      // Columns after the colour's last pixel in the band are left out (the cursor need not go there).
      let end = m.length;
      while (end > 0 && m[end - 1] === 0) end--;
      while (x < end) {
        const ch = String.fromCharCode(63 + m[x]!);
        let n = 1;
        while (x + n < end && m[x + n] === m[x]) n++;
        line += run(ch, n);
        x += n;
      }
      lines.push(line);
    }
    bands.push(lines.join('$'));
  }
  return out + bands.join('-') + '\x1b\\';
}
