import { DEFAULT_LOOK, type Look } from '../config/config-file.js';
import type { ChatMessage, RoomView } from '../state/messages/view.js';
import { activityRows } from './activity-lines.js';
import type { Line } from './lines.js';
import { threadSummaryText } from '../state/threads/summary.js';
import { formatTime, messageLines, type Author } from './message-lines.js';
import { clip, textWidth } from './width.js';
import type { ImagesState } from '../state/images/images.js';

export interface PaneContext {
  width: number;
  meId: string | null;
  roomName: string;
  author: (userId: string) => Author;
  /** Members this user ignores (/ignore): their messages are replaced by one line counting them. */
  ignored?: (userId: string) => boolean;
  /** In a direct or group chat: who else has read up to this message and no further (read receipts). */
  seenBy?: (messageId: string) => readonly string[] | undefined;
  look?: Look;
  /** The message selection mode picked: drawn highlighted, and scrolled into view. */
  selectedId?: string | null;
  /** The clock, for the thread summary under a root ("last 5m ago"); without it the time of day is shown. */
  now?: number;
  /** A message to mark (the search hit jumped to): drawn as a mention, under a rule saying so. */
  markId?: string;
  /** How pictures are drawn and which thumbnails have arrived (default: labels only). */
  images?: ImagesState;
}

export interface PaneLines {
  /** Rows to draw, top to bottom: at most `height`, ending `scroll` rows above the newest one. */
  lines: Line[];
  /** The walk reached the oldest loaded message: scrolling further needs older history (or hits the start). */
  atTop: boolean;
  /** The scroll offset actually used (clamped to the loaded content). */
  scroll: number;
  /** Rows from the bottom up to and including the read ruler, when the walk reached it (else null). */
  rulerRows: number | null;
  /** Rows from the bottom up to and including the marked message's rule, when the walk reached it (else null). */
  markRows: number | null;
}

const DAY = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
const dayKey = (ts: number) => {
  const d = new Date(ts);
  return d.getFullYear() * 10000 + d.getMonth() * 100 + d.getDate();
};

function rule(key: string, label: string, width: number, color: string, dim = false): Line {
  const text = clip(`── ${label} `, width);
  return { key, segments: [{ text: text + '─'.repeat(Math.max(0, width - textWidth(text))), color, dim }] };
}

/** Index of the first message with order > `order` (messages ascend by order). */
export function firstAfter(messages: readonly ChatMessage[], order: number): number {
  let lo = 0;
  let hi = messages.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (messages[mid]!.order > order) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Build only the rows that can be seen: walk from the newest message backwards, wrapping (cached) until
 * `scroll + height` rows exist. The cost depends on the pane size, not on how many messages the room holds.
 */
export function paneLines(view: RoomView, ctx: PaneContext, height: number, scroll: number): PaneLines {
  const need = Math.max(0, scroll) + height;
  const w = Math.max(1, ctx.width);
  const { messages, pending } = view;
  const rulerAt = view.ruler === null ? -1 : firstAfter(messages, view.ruler);
  const showRuler = rulerAt >= 0 && rulerAt < messages.length && hasOthersFrom(messages, rulerAt, ctx.meId);
  const reloadAt = view.reloaded?.before == null ? -1 : firstAfter(messages, view.reloaded.before - 1);
  // Collected bottom-up, reversed at the end.
  const look = ctx.look ?? DEFAULT_LOOK;
  const out: Line[] = [];
  let rulerRows: number | null = null;
  // Where the selected message's rows sit, counted from the bottom: [selFrom, selTo).
  let selFrom = -1;
  let selTo = -1;
  let markRows: number | null = null;
  const pushMsg = (m: ChatMessage) => {
    const marked = ctx.markId !== undefined && m.id === ctx.markId;
    const ls = messageLines(m, w, ctx.author(m.authorId), marked || (!!ctx.meId && !!m.mentions?.includes(ctx.meId)), look, ctx.meId, ctx.images);
    const picked = ctx.selectedId != null && m.id === ctx.selectedId && m.status === 'confirmed';
    if (picked) selFrom = out.length;
    // Bottom-up: a root's thread summary goes under it, so it is pushed first.
    if (m.thread && m.thread.count > 0 && !m.threadId) out.push(summaryLine(m, ctx, w, look));
    // Who reacted, for the selected message only (the counts are under every message).
    if (picked && m.reactions?.length) {
      const who = m.reactions.map((r) => `${r.emoji} ${r.userIds.map((u) => ctx.author(u).nick).join(', ')}`).join(' · ');
      out.push({ key: `${m.id}:who`, segments: [{ text: clip(who, w), dim: true, inverse: true }] });
    }
    // The cached rows are shared: the highlight is drawn on copies. A picture's rows are left as they are
    // (kitty names the picture by the cells' colour, which inverse would swap).
    for (let i = ls.length - 1; i >= 0; i--) {
      const l = ls[i]!;
      out.push(picked && !l.image ? { key: l.key, segments: l.segments.map((g) => ({ ...g, inverse: true })) } : l);
    }
    if (picked) selTo = out.length;
    if (marked) {
      out.push(rule('mark', 'search hit (Esc: back to the newest messages)', w, look.colors.mention));
      markRows = out.length;
    }
  };
  // Walk on until the selected message is in, however far back it is (it is loaded, so this ends).
  const wanted = () => out.length < need || (ctx.selectedId != null && selTo < 0);
  // What happened (nick changes, topics…) sits among the messages by order: walking back, each line newer
  // than the next message goes first.
  const { activity } = view;
  let a = activity.length - 1;
  const pushActivityAfter = (order: number) => {
    for (; a >= 0 && activity[a]!.order > order; a--) {
      const ls = activityRows(activity[a]!, w);
      for (let k = ls.length - 1; k >= 0; k--) out.push(ls[k]!);
    }
  };
  for (let i = pending.length - 1; i >= 0 && wanted(); i--) pushMsg(pending[i]!);
  let i = messages.length - 1;
  // A run of consecutive messages from ignored members, shown as one line where the run begins.
  let skipped = 0;
  const flushSkipped = (key: string) => {
    if (skipped === 0) return;
    out.push({ key: `ignored:${key}`, segments: [{ text: `· ${skipped} message${skipped === 1 ? '' : 's'} from ignored or blocked members hidden`, dim: true }] });
    skipped = 0;
  };
  for (; i >= 0 && wanted(); i--) {
    const m = messages[i]!;
    pushActivityAfter(m.order);
    if (ctx.ignored?.(m.authorId) && m.authorId !== ctx.meId) {
      skipped++;
      if (i === 0 || i === rulerAt) flushSkipped(m.id);
    } else {
      flushSkipped(m.id);
      // Under the message (rows are collected bottom-up): "seen by" the members whose marker is here.
      const seen = ctx.seenBy?.(m.id);
      if (seen?.length) out.push({ key: `seen:${m.id}`, segments: [{ text: clip(`  seen by ${seen.join(', ')}`, w), dim: true }] });
      pushMsg(m);
    }
    if (i === rulerAt && showRuler) {
      out.push(rule(`ruler`, 'new since you last read', w, look.colors.ruler));
      rulerRows = out.length;
    }
    if (i === reloadAt) {
      out.push(rule(`reloaded`, 'history reloaded — earlier messages may be older than shown', w, 'yellow'));
    }
    const prev = messages[i - 1];
    if (!prev || dayKey(prev.createdAt) !== dayKey(m.createdAt)) {
      out.push(rule(`day:${m.id}`, DAY.format(new Date(m.createdAt)), w, look.colors.days, true));
    }
  }
  const atTop = i < 0;
  if (atTop) {
    pushActivityAfter(-1);
    if (view.reloaded && reloadAt === -1) {
      out.push(rule(`reloaded`, 'history reloaded — earlier messages may be older than shown', w, 'yellow'));
    }
    if (view.loading) out.push({ key: 'top', segments: [{ text: 'loading older messages…', dim: true }] });
    else if (view.end && view.expired) {
      out.push({ key: 'top', segments: [{ text: clip("Older messages expired by this room's retention policy.", w), dim: true }] });
    } else if (view.end) {
      out.push({ key: 'top', segments: [{ text: `This is the start of #${ctx.roomName}.`, dim: true }] });
    }
  }
  const total = out.length;
  const maxScroll = atTop ? Math.max(0, total - height) : Number.MAX_SAFE_INTEGER;
  let used = Math.min(Math.max(0, scroll), maxScroll);
  // Selection mode shows its message: the view moves just enough to bring it in (its top row when taller).
  if (selTo >= 0) {
    if (selTo > used + height) used = Math.min(maxScroll, selTo - height);
    if (selFrom < used) used = selFrom;
  }
  const bottom = total - used; // exclusive index into the top-down order below
  const topDown = out.reverse();
  const start = Math.max(0, bottom - height);
  return { lines: topDown.slice(start, bottom), atTop, scroll: used, rulerRows, markRows };
}

function summaryLine(m: ChatMessage, ctx: PaneContext, width: number, look: Look): Line {
  const t = m.thread!;
  const names = t.lastAuthorIds.map((id) => ctx.author(id).nick);
  const text = ctx.now === undefined
    ? `↳ ${t.count} ${t.count === 1 ? 'reply' : 'replies'} · last ${formatTime(t.lastAt, look.timestampFormat)}${names.length ? ` · ${names.join(', ')}` : ''}`
    : threadSummaryText(t, names, ctx.now);
  return { key: `thread:${m.id}`, segments: [{ text: clip(`  ${text}`, width), color: 'cyan' }] };
}

function hasOthersFrom(messages: readonly ChatMessage[], from: number, meId: string | null): boolean {
  // Bounded: only a handful of our own trailing messages are ever checked before someone else's turns up.
  for (let i = from; i < messages.length && i < from + 200; i++) if (messages[i]!.authorId !== meId) return true;
  return false;
}
