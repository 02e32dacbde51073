import { type Attachment, displayFileName, formatBytes, type Preview } from '@open-discord/protocol';
import { cellsFor } from '../images/bitmap.js';
import { kittyColor, kittyImageId, kittyPlaceholderRow } from '../images/kitty.js';
import { isPixelMode } from '../images/mode.js';
import type { ImagesState } from '../state/images/images.js';
import { sanitizeDisplay } from '../text/sanitize.js';
import type { Line, Segment } from './lines.js';
import { truncate } from './width.js';

/** `[image cat.png 120 KB]`: what an attachment is, whatever the terminal can draw. */
export function attachmentLabel(a: Attachment): string {
  const kind = a.mime.startsWith('image/') ? 'image' : 'file';
  // The server cleans names already; a client trusts no wire text that reaches the terminal.
  return `[${kind} ${sanitizeDisplay(displayFileName(a.name))} ${formatBytes(a.size)}]`;
}

const hex = (b: Uint8Array, i: number) =>
  `#${(b[i] ?? 0).toString(16).padStart(2, '0')}${(b[i + 1] ?? 0).toString(16).padStart(2, '0')}${(b[i + 2] ?? 0).toString(16).padStart(2, '0')}`;

function decodeBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * The preview as rows of half blocks, at most `maxCols` cells wide (nearest-neighbour when narrower than the
 * picture). Neighbouring cells of the same colours share one segment, so a flat area costs one Text.
 * Returns no rows for a preview whose pixels do not add up (a client never trusts wire data).
 */
export function halfBlockRows(p: Preview, maxCols: number): Segment[][] {
  let rgb: Uint8Array;
  try {
    rgb = decodeBase64(p.rgb);
  } catch {
    return [];
  }
  if (rgb.length !== p.width * p.height * 3 || maxCols < 1) return [];
  const cols = Math.min(p.width, maxCols);
  const scale = p.width / cols;
  const height = Math.max(1, Math.round(p.height / scale));
  const px = (x: number, y: number) => 3 * (Math.min(p.height - 1, Math.floor(y * scale)) * p.width + Math.min(p.width - 1, Math.floor(x * scale)));
  const rows: Segment[][] = [];
  for (let y = 0; y < height; y += 2) {
    const row: Segment[] = [];
    for (let x = 0; x < cols; x++) {
      const top = hex(rgb, px(x, y));
      // An odd last row: its lower half is the terminal's own background.
      const bottom = y + 1 < height ? hex(rgb, px(x, y + 1)) : undefined;
      const last = row[row.length - 1];
      if (last && last.color === top && last.bg === bottom) last.text += '▀';
      else row.push({ text: '▀', color: top, ...(bottom && { bg: bottom }) });
    }
    rows.push(row);
  }
  return rows;
}

/** The rows a thumbnail takes in a pixel mode: placeholder text (kitty), or blank rows the painter draws over. */
function pictureLines(key: string, a: Attachment, size: { width: number; height: number }, images: ImagesState, pad: Segment, room: number, indent: number): Line[] {
  const { cols, rows } = cellsFor(size.width, size.height, room, images.cell);

  const color = images.mode === 'kitty' ? kittyColor(kittyImageId(a.id, cols, rows)) : undefined;
  return Array.from({ length: rows }, (_, i): Line => ({
    key: `${key}i${i}`,
    segments: [pad, color ? { text: kittyPlaceholderRow(i, cols), color } : { text: ' '.repeat(cols) }],
    image: { fileId: a.id, cols, rows, row: i, col: indent },
  }));
}

/**
 * The rows under a message for its attachments: a label each, and under an image's, its picture as the
 * terminal can draw it: the server's thumbnail in a pixel mode once it has arrived, else the half-block
 * preview (also while the thumbnail loads), or nothing with images off.
 */
export function attachmentLines(id: string, attachments: readonly Attachment[], width: number, indent: number, images: ImagesState): Line[] {
  const lines: Line[] = [];
  const pad: Segment = { text: ' '.repeat(indent) };
  const room = Math.max(1, width - indent);
  attachments.forEach((a, n) => {
    lines.push({ key: `${id}:a${n}`, segments: [pad, { text: truncate(attachmentLabel(a), room), color: 'cyan' }] });
    if (images.mode === 'off') return;
    const thumb = images.thumbs[a.id];
    if (isPixelMode(images.mode) && a.thumb && thumb && thumb !== 'failed') {
      lines.push(...pictureLines(`${id}:a${n}`, a, thumb, images, pad, room, indent));
      return;
    }
    if (!a.preview) return;
    halfBlockRows(a.preview, room).forEach((segments, i) => lines.push({ key: `${id}:a${n}p${i}`, segments: [pad, ...segments] }));
  });
  return lines;
}

/** What of the images state changes a message's rows: the mode, the cell size, and its thumbnails' sizes. */
export function imagesKey(attachments: readonly Attachment[] | undefined, images: ImagesState): string {
  if (!attachments?.length || images.mode === 'off') return 'off';
  const sizes = attachments.map((a) => {
    const t = images.thumbs[a.id];
    return t === undefined ? '-' : t === 'failed' ? 'x' : `${t.width}x${t.height}`;
  });
  return `${images.mode}:${images.cell.width}x${images.cell.height}:${sizes.join(',')}`;
}
