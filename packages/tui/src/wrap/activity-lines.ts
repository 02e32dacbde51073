import type { ActivityLine } from '../state/activity/describe.js';
import type { Line } from './lines.js';
import { formatTime } from './message-lines.js';
import { wrapText } from './wrap-text.js';

const TIME_WIDTH = 6; // "HH:MM "
const MARK = '-!- ';

/** Wrapped once per width and kept with the line, as messages are (message-lines.ts). */
const cache = new WeakMap<ActivityLine, { width: number; lines: Line[] }>();

/** "09:30 -!- bob is now known as bobby", dimmed (it is about the chat, not part of it), wrapped under its text. */
export function activityRows(a: ActivityLine, width: number): Line[] {
  const hit = cache.get(a);
  if (hit && hit.width === width) return hit.lines;
  const indent = TIME_WIDTH + MARK.length;
  const rows = wrapText(a.text, Math.max(1, width - indent));
  const lines: Line[] = rows.map((row, i) => ({
    key: `act:${a.id}:${i}`,
    segments: i === 0 ? [{ text: formatTime(a.at) + ' ', dim: true }, { text: MARK + row, dim: true }] : [{ text: ' '.repeat(indent) }, { text: row, dim: true }],
  }));
  cache.set(a, { width, lines });
  return lines;
}
