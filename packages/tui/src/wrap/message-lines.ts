import { broadcastSpans } from '@open-discord/protocol';
import { DEFAULT_LOOK, type Look } from '../config/config-file.js';
import type { ChatMessage } from '../state/messages/view.js';
import type { Line, Segment } from './lines.js';
import { textWidth } from './width.js';
import { wrapText } from './wrap-text.js';
import { attachmentLines, imagesKey } from './attachment-lines.js';
import { type ImagesState, NO_IMAGES } from '../state/images/images.js';

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

export function messageLines(
  msg: ChatMessage,
  width: number,
  author: Author,
  mentionsMe: boolean,
  look: Look = DEFAULT_LOOK,
  meId: string | null = null,
  images: ImagesState = NO_IMAGES,
): Line[] {
  const key = `${width}|${imagesKey(msg.attachments, images)}|${author.nick}|${author.color}|${mentionsMe ? 1 : 0}|${msg.status}|${msg.error ?? ''}|${look.timestampFormat}|${look.colors.timestamp}|${look.colors.mention}|${look.colors.link}|${meId ?? ''}`;
  const hit = cache.get(msg);
  if (hit && hit.key === key) return hit.lines;
  const lines = buildLines(msg, width, author, mentionsMe, look, images);
  if (msg.reactions?.length) lines.push(...reactionLines(msg, width, textWidth(formatTime(msg.createdAt, look.timestampFormat) + ' '), meId, look));
  cache.set(msg, { key, lines });
  return lines;
}

/**
 * Reactions under the message, `🎉 2  👍 1`, wrapped by display width under the text; the ones I reacted with
 * are drawn bold in the mention colour so I can see what a toggle would undo.
 */
export function reactionLines(msg: ChatMessage, width: number, indent: number, meId: string | null, look: Look = DEFAULT_LOOK): Line[] {
  const pad = indent < width / 3 ? indent : 0;
  const room = Math.max(1, width - pad);
  const rows: Segment[][] = [[]];
  let used = 0;
  for (const r of msg.reactions ?? []) {
    const text = `${r.emoji} ${r.userIds.length}`;
    const w = textWidth(text);
    const gap = used === 0 ? 0 : 2;
    if (used > 0 && used + gap + w > room) {
      rows.push([]);
      used = 0;
    } else if (gap) {
      rows[rows.length - 1]!.push({ text: '  ' });
      used += gap;
    }
    const mine = meId !== null && r.userIds.includes(meId);
    rows[rows.length - 1]!.push(mine ? { text, bold: true, color: look.colors.mention } : { text, dim: true });
    used += w;
  }
  return rows.map((segments, i) => ({ key: `${msg.id}:r${i}`, segments: pad ? [{ text: ' '.repeat(pad) }, ...segments] : segments }));
}

function buildLines(msg: ChatMessage, width: number, author: Author, mentionsMe: boolean, look: Look, images: ImagesState): Line[] {
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
  const body = msg.text.replace(/\t/g, '  ');
  const rows = wrapFirstThenRest(body, firstWidth, restWidth);
  const urls = urlRanges(body);
  const starts = rowStarts(body, rows);
  const lines: Line[] = rows.map((row, i) => {
    const parts = boldBroadcasts(linkSegments(row, starts[i]!, urls, bodyStyle, look.colors.link));
    if (i === 0) return { key: `${msg.id}:${i}`, segments: [time, ...nickSeg, ...parts] };
    // A row that continues a URL starts at the left edge: indentation inside it would break copying it.
    const inUrl = urls.some((u) => starts[i]! > u.start && starts[i]! < u.end);
    return { key: `${msg.id}:${i}`, segments: inUrl ? parts : [{ text: ' '.repeat(indent) }, ...parts] };
  });
  if (msg.attachments?.length) {
    const more = attachmentLines(msg.id, msg.attachments, width, indent, images);
    // A bare upload (no text): its first label sits on the message's own row.
    if (msg.text === '' && more.length) lines[0]!.segments.push(...more.shift()!.segments.slice(1));
    lines.push(...more);
  }
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

/** `@room`, `@everyone` and `@here` stand out in bold wherever they are written (links aside). */
function boldBroadcasts(parts: Segment[]): Segment[] {
  if (!parts.some((p) => p.text.includes('@'))) return parts;
  const out: Segment[] = [];
  for (const p of parts) {
    const spans = p.link ? [] : broadcastSpans(p.text);
    let at = 0;
    for (const [from, to] of spans) {
      if (from > at) out.push({ ...p, text: p.text.slice(at, from) });
      out.push({ ...p, text: p.text.slice(from, to), bold: true });
      at = to;
    }
    if (at === 0) out.push(p);
    else if (at < p.text.length) out.push({ ...p, text: p.text.slice(at) });
  }
  return out;
}

const URL_RE = /\b(?:https?|ftp):\/\/[^\s<>"'`\x00-\x1f\x7f]+/g;

/** Where the URLs are in the text (a trailing full stop, comma or bracket is punctuation, not URL). */
export function urlRanges(text: string): Array<{ start: number; end: number; url: string }> {
  const out: Array<{ start: number; end: number; url: string }> = [];
  for (const m of text.matchAll(URL_RE)) {
    let url = m[0];
    while (/[.,;:!?)\]}]$/.test(url) && !(url.endsWith(')') && url.includes('('))) url = url.slice(0, -1);
    out.push({ start: m.index, end: m.index + url.length, url });
  }
  return out;
}

/** The offset in `text` where each wrapped row begins (rows are pieces of the text, in order). */
function rowStarts(text: string, rows: string[]): number[] {
  let pos = 0;
  return rows.map((row) => {
    const at = text.indexOf(row, pos);
    const start = at < 0 ? pos : at;
    pos = start + row.length;
    return start;
  });
}

/** A row's text as segments, the parts inside URLs marked as links to the whole URL. */
function linkSegments(row: string, start: number, urls: ReturnType<typeof urlRanges>, style: Omit<Segment, 'text'>, linkColor: string): Segment[] {
  const end = start + row.length;
  const out: Segment[] = [];
  let at = start;
  for (const u of urls) {
    if (u.end <= at || u.start >= end) continue;
    const from = Math.max(u.start, at);
    const to = Math.min(u.end, end);
    if (from > at) out.push({ text: row.slice(at - start, from - start), ...style });
    out.push({ text: row.slice(from - start, to - start), ...style, color: linkColor, link: u.url });
    at = to;
  }
  if (at < end || out.length === 0) out.push({ text: row.slice(at - start), ...style });
  return out;
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
