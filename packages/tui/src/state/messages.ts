import { sanitizeDisplay } from '../text/sanitize.js';
import type { ChatMessage, RoomView } from './types.js';
import type { Message } from './wire-types.js';
import { firstAfter } from '../wrap/view-lines.js';

export function fromWire(m: Message): ChatMessage {
  const c: ChatMessage = {
    id: m.id,
    roomId: m.roomId,
    authorId: m.authorId,
    text: sanitizeDisplay(m.text),
    createdAt: m.createdAt,
    order: m.order,
    status: 'confirmed',
  };
  if (m.nonce !== undefined) c.nonce = m.nonce;
  if (m.action) c.action = true;
  if (m.mentions?.length) c.mentions = m.mentions;
  if (m.editedAt !== undefined) c.editedAt = m.editedAt;
  return c;
}

export function emptyView(): RoomView {
  return {
    messages: [],
    pending: [],
    end: false,
    loading: false,
    readMarker: 0,
    unread: 0,
    mentions: 0,
    ruler: null,
    scroll: 0,
    newBelow: 0,
    reloaded: null,
  };
}

/**
 * Insert a confirmed message in order. Appending is the common case (O(1) plus the copy); an order already
 * present is a duplicate (e.g. the reply and the echo of our own send) and leaves the list unchanged.
 * Returns the same array when nothing changed so callers can tell.
 */
export function insertMessage(list: ChatMessage[], msg: ChatMessage): ChatMessage[] {
  const last = list[list.length - 1];
  if (!last || last.order < msg.order) return [...list, msg];
  const at = firstAfter(list, msg.order);
  if (at > 0 && list[at - 1]!.order === msg.order) return list;
  return [...list.slice(0, at), msg, ...list.slice(at)];
}

/** Merge a page of (older) history into the loaded messages, ascending, without duplicates. */
export function mergeHistory(list: ChatMessage[], page: ChatMessage[]): ChatMessage[] {
  if (page.length === 0) return list;
  const first = list[0];
  const sorted = [...page].sort((a, b) => a.order - b.order);
  if (!first || sorted[sorted.length - 1]!.order < first.order) return [...dedupe(sorted), ...list];
  let out = list;
  for (const m of sorted) out = insertMessage(out, m);
  return out;
}

function dedupe(sorted: ChatMessage[]): ChatMessage[] {
  return sorted.filter((m, i) => i === 0 || sorted[i - 1]!.order !== m.order);
}

/** Unread and mention counts after the read marker moved, from what is loaded. */
export function recount(view: RoomView, meId: string | null): { unread: number; mentions: number } {
  const last = view.messages[view.messages.length - 1];
  if (!last || last.order <= view.readMarker) return { unread: 0, mentions: 0 };
  let unread = 0;
  let mentions = 0;
  for (let i = firstAfter(view.messages, view.readMarker); i < view.messages.length; i++) {
    const m = view.messages[i]!;
    if (m.authorId === meId) continue;
    unread++;
    if (meId && m.mentions?.includes(meId)) mentions++;
  }
  // Only part of the room may be loaded: never claim more than the server counted before the marker moved.
  return { unread: Math.min(unread, view.unread), mentions: Math.min(mentions, view.mentions) };
}
