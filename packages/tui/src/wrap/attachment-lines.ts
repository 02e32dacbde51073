import { type Attachment, displayFileName, formatBytes, type Preview } from '@open-discord/protocol';
import { sanitizeDisplay } from '../text/sanitize.js';
import type { Line, Segment } from './lines.js';
import { truncate } from './width.js';

/** `[image cat.png 120 KB]`: what an attachment is, whatever the terminal can draw. */
export function attachmentLabel(a: Attachment): string {
  const kind = a.mime.startsWith('image/') ? 'image' : 'file';
  // The server cleans names already; a client trusts no wire text that reaches the terminal.
  return `[${kind} ${sanitizeDisplay(displayFileName(a.name))} ${formatBytes(a.size)}]`;
}

/**
 * Half-block previews need 24-bit colour: each cell is `▀` with the upper pixel as its foreground and the
 * lower one as its background. Terminals that say so in COLORTERM get them; OD_PREVIEWS=0 or 1 decides.
 */
export function previewsWanted(env: Record<string, string | undefined> = process.env): boolean {
  if (env.OD_PREVIEWS === '0') return false;
  if (env.OD_PREVIEWS === '1') return true;
  return env.COLORTERM === 'truecolor' || env.COLORTERM === '24bit';
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

/** The rows under a message for its attachments: a label each, and a preview under an image's when wanted. */
export function attachmentLines(id: string, attachments: readonly Attachment[], width: number, indent: number, previews: boolean): Line[] {
  const lines: Line[] = [];
  const pad: Segment = { text: ' '.repeat(indent) };
  const room = Math.max(1, width - indent);
  attachments.forEach((a, n) => {
    lines.push({ key: `${id}:a${n}`, segments: [pad, { text: truncate(attachmentLabel(a), room), color: 'cyan' }] });
    if (!previews || !a.preview) return;
    halfBlockRows(a.preview, room).forEach((segments, i) => lines.push({ key: `${id}:a${n}p${i}`, segments: [pad, ...segments] }));
  });
  return lines;
}
