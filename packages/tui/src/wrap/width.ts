/*
 * Display width of text in terminal cells, without a dependency: wide East Asian characters and most emoji
 * take two cells, combining marks and zero-width joiners none. Good enough to keep wrapped lines inside the
 * pane; an occasional odd glyph costs one cell of slack, never a broken layout (Ink truncates overflow).
 */
const WIDE: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe30, 0xfe4f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f],
  [0x1f900, 0x1f9ff],
  [0x20000, 0x3fffd],
];

export function charWidth(cp: number): number {
  if (cp === 0x200d || (cp >= 0x300 && cp <= 0x36f) || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  for (const [lo, hi] of WIDE) if (cp >= lo && cp <= hi) return 2;
  return 1;
}

export function textWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += charWidth(ch.codePointAt(0)!);
  return w;
}

/** Cut `text` to at most `width` cells. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  let w = 0;
  let out = '';
  for (const ch of text) {
    const cw = charWidth(ch.codePointAt(0)!);
    if (w + cw > width) return width >= 1 && out.length > 0 ? cutForEllipsis(out, width) : out;
    w += cw;
    out += ch;
  }
  return out;
}

function cutForEllipsis(out: string, width: number): string {
  // Leave room for the ellipsis so the reader knows text was cut.
  let w = 0;
  let res = '';
  for (const ch of out) {
    const cw = charWidth(ch.codePointAt(0)!);
    if (w + cw > width - 1) break;
    w += cw;
    res += ch;
  }
  return res + '…';
}

/** Pad with spaces (or cut) to exactly `width` cells. */
export function fit(text: string, width: number): string {
  const t = truncate(text, width);
  return t + ' '.repeat(Math.max(0, width - textWidth(t)));
}

/** Cut to at most `width` cells without an ellipsis (for rules and padding). */
export function clip(text: string, width: number): string {
  let w = 0;
  let out = '';
  for (const ch of text) {
    const cw = charWidth(ch.codePointAt(0)!);
    if (w + cw > width) break;
    w += cw;
    out += ch;
  }
  return out;
}
