import type { Line } from '../wrap/lines.js';

/** Help text lines as overlay rows (keys stay stable while scrolling). */
export function helpLinesAsRows(lines: readonly string[]): Line[] {
  return lines.map((text, i) => ({ key: `h${i}`, segments: [{ text }] }));
}
