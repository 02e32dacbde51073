import type { Preview } from '@open-discord/protocol';

/** Pixels as od draws them: 8-bit RGB, row by row, no alpha (a picture is flattened onto black first). */
export interface Bitmap {
  width: number;
  height: number;
  rgb: Uint8Array;
}

/** The largest picture od keeps or encodes (the server's thumbnails are at most 320 pixels each way). */
export const MAX_BITMAP_PX = 1024;

/** A bitmap whose buffer matches its size, or null (a client never trusts sizes that came over the wire). */
export function bitmap(width: number, height: number, rgb: Uint8Array): Bitmap | null {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) return null;
  if (width > MAX_BITMAP_PX || height > MAX_BITMAP_PX || rgb.length !== width * height * 3) return null;
  return { width, height, rgb };
}

/** The message's own tiny preview (base64 RGB) as a bitmap, or null when its pixels do not add up. */
export function previewBitmap(p: Preview): Bitmap | null {
  try {
    return bitmap(p.width, p.height, Uint8Array.from(atob(p.rgb), (c) => c.charCodeAt(0)));
  } catch {
    return null;
  }
}

/** A bitmap as a preview (base64 RGB), the shape the state keeps small pictures in. */
export function previewOf(b: Bitmap): Preview {
  let bin = '';
  for (let i = 0; i < b.rgb.length; i++) bin += String.fromCharCode(b.rgb[i]!);
  return { width: b.width, height: b.height, rgb: btoa(bin) };
}

/**
 * The bitmap at another size: each target pixel is the average of the source pixels it covers (a box
 * filter), so a 320-pixel thumbnail shrinks without the shimmer of nearest-neighbour; growing repeats pixels.
 */
export function resize(b: Bitmap, width: number, height: number): Bitmap {
  const w = Math.max(1, Math.round(width));
  const h = Math.max(1, Math.round(height));
  if (w === b.width && h === b.height) return b;
  const out = new Uint8Array(w * h * 3);
  const sx = b.width / w;
  const sy = b.height / h;
  for (let y = 0; y < h; y++) {
    const y0 = Math.floor(y * sy);
    const y1 = Math.max(y0 + 1, Math.min(b.height, Math.floor((y + 1) * sy)));
    for (let x = 0; x < w; x++) {
      const x0 = Math.floor(x * sx);
      const x1 = Math.max(x0 + 1, Math.min(b.width, Math.floor((x + 1) * sx)));
      let r = 0;
      let g = 0;
      let bl = 0;
      for (let yy = y0; yy < y1; yy++) {
        for (let xx = x0; xx < x1; xx++) {
          const i = 3 * (yy * b.width + xx);
          r += b.rgb[i]!;
          g += b.rgb[i + 1]!;
          bl += b.rgb[i + 2]!;
        }
      }
      const n = (y1 - y0) * (x1 - x0);
      const o = 3 * (y * w + x);
      out[o] = Math.round(r / n);
      out[o + 1] = Math.round(g / n);
      out[o + 2] = Math.round(bl / n);
    }
  }
  return { width: w, height: h, rgb: out };
}

/** A terminal cell's size in pixels (most fonts are about twice as tall as wide). */
export interface CellPx {
  width: number;
  height: number;
}
export const DEFAULT_CELL: CellPx = { width: 8, height: 16 };

/** `OD_CELL_PX=9x18`: the cell size sixel images are drawn for, where the default would draw them too big. */
export function cellPxFrom(text: string | undefined): CellPx {
  const m = /^(\d{1,2})x(\d{1,3})$/.exec(text ?? '');
  if (!m) return DEFAULT_CELL;
  const width = Number(m[1]);
  const height = Number(m[2]);
  return width >= 4 && height >= 6 ? { width, height } : DEFAULT_CELL;
}

/** The most cells an inline image takes: wide enough to recognise, low enough to keep the chat readable. */
export const MAX_IMAGE_COLS = 40;
export const MAX_IMAGE_ROWS = 10;

/**
 * How many cells a picture of `width`×`height` pixels takes, at most `maxCols` wide and MAX_IMAGE_ROWS high,
 * keeping its shape on cells of `cell` pixels.
 */
export function cellsFor(width: number, height: number, maxCols: number, cell: CellPx = DEFAULT_CELL): { cols: number; rows: number } {
  const limit = Math.max(1, Math.min(MAX_IMAGE_COLS, maxCols));
  const aspect = (height / width) * (cell.width / cell.height);
  let cols = limit;
  let rows = Math.max(1, Math.round(cols * aspect));
  if (rows > MAX_IMAGE_ROWS) {
    rows = MAX_IMAGE_ROWS;
    cols = Math.max(1, Math.min(limit, Math.round(rows / aspect)));
  }
  return { cols, rows };
}
