import { PNG } from 'pngjs';
import { bitmap, type Bitmap, MAX_BITMAP_PX } from './bitmap.js';

/**
 * A thumbnail's PNG bytes (as the server sent them) decoded to pixels, transparent parts on black. These
 * pixels are all of it that ever reaches the terminal: od encodes them again itself. Throws on anything that
 * is not a PNG of a sane size.
 */
export function decodePng(bytes: Uint8Array): Bitmap {
  const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  if (png.width > MAX_BITMAP_PX || png.height > MAX_BITMAP_PX) throw new RangeError('picture too large');
  const n = png.width * png.height;
  const rgb = new Uint8Array(n * 3);
  for (let p = 0; p < n; p++) {
    const a = png.data[4 * p + 3]!;
    for (let c = 0; c < 3; c++) rgb[3 * p + c] = Math.round((png.data[4 * p + c]! * a) / 255);
  }
  const b = bitmap(png.width, png.height, rgb);
  if (!b) throw new RangeError('picture has no pixels');
  return b;
}

/** `b` as PNG bytes (what iTerm2's inline images take). */
export function encodePng(b: Bitmap): Buffer {
  const png = new PNG({ width: b.width, height: b.height });
  for (let p = 0; p < b.width * b.height; p++) {
    png.data[4 * p] = b.rgb[3 * p]!;
    png.data[4 * p + 1] = b.rgb[3 * p + 1]!;
    png.data[4 * p + 2] = b.rgb[3 * p + 2]!;
    png.data[4 * p + 3] = 255;
  }
  return PNG.sync.write(png);
}
