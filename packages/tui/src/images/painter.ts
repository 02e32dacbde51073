import type { Placement } from '../state/images/placements.js';
import { type Bitmap, type CellPx, resize } from './bitmap.js';
import { itermEncode } from './iterm.js';
import { kittyDelete, kittyImageId, kittyTransmit } from './kitty.js';
import type { ImageMode } from './mode.js';
import { sixelEncode } from './sixel.js';

/**
 * Decoded thumbnails by file id, at most `limit` of them (a 320×320 thumbnail is 300 KB of pixels): the one
 * set longest ago goes first, and `onEvict` is told, so it can be fetched again when it is wanted again.
 */
export class ThumbCache {
  private readonly map = new Map<string, Bitmap>();
  onEvict: (fileId: string) => void = () => {};
  constructor(private readonly limit = 64) {}
  get(fileId: string): Bitmap | undefined {
    return this.map.get(fileId);
  }
  set(fileId: string, b: Bitmap): void {
    this.map.delete(fileId);
    this.map.set(fileId, b);
    if (this.map.size > this.limit) {
      const oldest = this.map.keys().next().value!;
      this.map.delete(oldest);
      this.onEvict(oldest);
    }
  }
}

/** Encoded pictures kept for sixel and iTerm2 (each is redrawn after every frame while on screen). */
const KEEP_ENCODED = 32;

/** Save the cursor, go to a cell (1-based), and back: a picture is drawn where it belongs and the cursor stays. */
const at = (row: number, col: number, body: string) => `\x1b7\x1b[${row + 1};${col + 1}H${body}\x1b8`;

/**
 * What to write after a frame of Ink's so the pictures on it show. Kitty: each picture's bytes once (its
 * placeholder cells are in the frame already). Sixel and iTerm2: every whole picture on screen, again after
 * every frame, at its cells (Ink rewrites the rows it draws, which wipes pixels on them; a picture cut by the
 * pane's edge is not drawn, its rows stay blank). Encoded pictures are kept, so a frame costs a write, not an
 * encode. Only bytes od encoded from decoded pixels are ever written.
 */
export class ImagePainter {
  private readonly sent = new Set<number>();
  private readonly encoded = new Map<string, string>();
  constructor(
    private readonly mode: ImageMode,
    private readonly cell: CellPx,
    private readonly thumbs: Pick<ThumbCache, 'get'>,
  ) {}

  frame(placements: readonly Placement[]): string {
    let out = '';
    for (const p of placements) {
      const b = this.thumbs.get(p.fileId);
      if (!b) continue;
      if (this.mode === 'kitty') {
        const id = kittyImageId(p.fileId, p.cols, p.rows);
        if (this.sent.has(id)) continue;
        this.sent.add(id);
        // The terminal scales it to the cells; more pixels than the cells hold would only cost bytes.
        out += kittyTransmit(id, this.fitted(b, p), p.cols, p.rows);
      } else if ((this.mode === 'sixel' || this.mode === 'iterm') && p.whole) {
        const key = `${p.fileId}:${p.cols}x${p.rows}`;
        let body = this.encoded.get(key);
        if (body === undefined) {
          body = this.mode === 'sixel' ? sixelEncode(this.fitted(b, p)) : itermEncode(this.fitted(b, p), p.cols, p.rows);
          // A screen holds a few pictures; past the limit the old encodings go (they are made again if needed).
          if (this.encoded.size >= KEEP_ENCODED) this.encoded.clear();
          this.encoded.set(key, body);
        }
        out += at(p.row, p.col, body);
      }
    }
    return out;
  }

  /** What to write on the way out: kitty keeps pictures until told, so it is told. */
  finish(): string {
    const out = [...this.sent].map(kittyDelete).join('');
    this.sent.clear();
    return out;
  }

  /** The thumbnail at the size of its cells in pixels (sixel draws pixels as they are; never larger than it is for the others). */
  private fitted(b: Bitmap, p: Placement): Bitmap {
    const w = p.cols * this.cell.width;
    const h = p.rows * this.cell.height;
    if (this.mode === 'sixel') return resize(b, w, h);
    const scale = Math.min(1, w / b.width, h / b.height);
    return resize(b, b.width * scale, b.height * scale);
  }
}

/**
 * Call `after` once after each burst of writes to `stream` (one frame of Ink's is several writes in one
 * turn), and write what it returns. Returns the undo.
 */
export function paintAfterWrites(stream: NodeJS.WriteStream, after: () => string): () => void {
  const original = stream.write;
  let scheduled = false;
  const paint = () => {
    scheduled = false;
    const extra = after();
    if (extra) original.call(stream, extra);
  };
  stream.write = function write(this: NodeJS.WriteStream, ...args: Parameters<NodeJS.WriteStream['write']>) {
    if (!scheduled) {
      scheduled = true;
      queueMicrotask(paint);
    }
    return (original as (...a: unknown[]) => boolean).apply(stream, args);
  } as NodeJS.WriteStream['write'];
  return () => {
    stream.write = original;
  };
}
