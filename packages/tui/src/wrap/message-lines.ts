import { DEFAULT_LOOK, type Look } from '../config/config-file.js';
import type { ChatMessage } from '../state/messages/view.js';
import type { Line, Segment } from './lines.js';
import { textWidth } from './width.js';
import { wrapText } from './wrap-text.js';

export interface Author {
  nick: string;
  color: string;
}

/** The time of a message in local time, by the config file's format (HH, H, hh, h, mm, ss, A; default HH:mm). */
export function formatTime(ts: number, format = DEFAULT_LOOK.timestampFormat): string {
  const d = new Date(ts);
  const h = d.getHours();
  const two = (n: number) => String(n).padStart(2, '0');
  const tokens: Record<string, string> = {
    HH: two(h),
    H: String(h),
    hh: two(h % 12 || 12),
    h: String(h % 12 || 12),
    mm: two(d.getMinutes()),
    ss: two(d.getSeconds()),
    A: h < 12 ? 'AM' : 'PM',
  };
  return format.replace(/HH|H|hh|h|mm|ss|A/g, (t) => tokens[t]!);
}

/*
 * Wrapping is the expensive part of drawing a long room, so every message is wrapped once per
 * (width, author look) and kept in a WeakMap keyed by the message object: messages are immutable in the store,
 * so an edit is a new object (a fresh cache entry) and a dropped message frees its lines with it.
 */
const cache = new WeakMap<ChatMessage, { key: string; lines: Line[] }>();

export function messageLines(msg: ChatMessage, width: number, author: Author, mentionsMe: boolean, look: Look = DEFAULT_LOOK): Line[] {
  const key = `${width}|${author.nick}|${author.color}|${mentionsMe ? 1 : 0}|${msg.status}|${msg.error ?? ''}|${look.timestampFormat}|${look.colors.timestamp}|${look.colors.mention}|${look.colors.link}`;
  const hit = cache.get(msg);
  if (hit && hit.key === key) return hit.lines;
  const lines = buildLines(msg, width, author, mentionsMe, look);
  cache.set(msg, { key, lines });
  return lines;
}

function buildLines(msg: ChatMessage, width: number, author: Author, mentionsMe: boolean, look: Look): Line[] {
  const stamp = formatTime(msg.createdAt, look.timestampFormat) + ' ';
  // The default grey is drawn dim, as it always was; a chosen colour is drawn as chosen.
  const time: Segment = look.colors.timestamp === 'gray' ? { text: stamp, dim: true } : { text: stamp, color: look.colors.timestamp };
  const TIME_WIDTH = textWidth(stamp);
  const nickSeg: Segment[] = msg.action
    ? [{ text: '* ', dim: true }, { text: author.nick, color: author.color, bold: true }, { text: ' ' }]
    : [{ text: author.nick, color: author.color, bold: true }, { text: ' ' }];
  const prefixWidth = TIME_WIDTH + nickSeg.reduce((n, s) => n + textWidth(s.text), 0);
  // Continuation rows align under the text unless the nickname would eat most of a narrow pane.
  const indent = prefixWidth <= Math.floor(width / 3) ? prefixWidth : TIME_WIDTH;
  const bodyStyle: Omit<Segment, 'text'> =
    msg.status === 'pending' || msg.status === 'queued' ? { dim: true } : msg.status === 'failed' ? { color: 'red' } : mentionsMe ? { color: look.colors.mention } : {};
  const firstWidth = Math.max(1, width - prefixWidth);
  const restWidth = Math.max(1, width - indent);
  const rows = wrapFirstThenRest(msg.text.replace(/\t/g, '  '), firstWidth, restWidth);
  const lines: Line[] = rows.map((row, i) => ({
    key: `${msg.id}:${i}`,
    segments:
      i === 0
        ? [time, ...nickSeg, { text: row, ...bodyStyle }]
        : [{ text: ' '.repeat(indent) }, { text: row, ...bodyStyle }],
  }));
  if (msg.status === 'pending') lines[lines.length - 1]!.segments.push({ text: ' …', dim: true });
  if (msg.status === 'queued') lines[lines.length - 1]!.segments.push({ text: ' (queued: sent when back online)', dim: true });
  if (msg.status === 'failed') {
    const note = `✗ not sent: ${msg.error ?? 'error'} — Ctrl+R retries`;
    for (const [i, row] of wrapText(note, restWidth).entries()) {
      lines.push({ key: `${msg.id}:f${i}`, segments: [{ text: ' '.repeat(indent) }, { text: row, color: 'red' }] });
    }
  }
  return lines;
}

/** Wrap so the first row is narrower (it carries the time and nickname) than the continuation rows. */
function wrapFirstThenRest(text: string, first: number, rest: number): string[] {
  if (first === rest) return wrapText(text, first);
  const firstRows = wrapText(text, first);
  if (firstRows.length <= 1) return firstRows;
  // Re-wrap what did not fit on the first row at the wider continuation width.
  const head = firstRows[0]!;
  const remainder = text.slice(indexAfter(text, head)).replace(/^ +/, '');
  return [head, ...wrapText(remainder, rest)];
}

/** Index in `text` just after the characters that make up `row` (rows only ever drop spaces and tabs). */
function indexAfter(text: string, row: string): number {
  let i = 0;
  let j = 0;
  while (j < row.length && i < text.length) {
    if (text[i] === row[j]) j++;
    i++;
  }
  // A newline directly after the first row belongs to the break itself.
  if (text[i] === '\n') i++;
  return i;
}
