import type { Message } from '../model.js';

/*
 * A room's loaded messages: ascending by order, at most `max` (the newest are kept). The World's lists are
 * immutable (upsertMessage copies); a batch fold (applyEvents) owns a working copy and edits it in place
 * (placeMessage, trimFront), which ends in the same list as upsertMessage applied message by message.
 */

/** Insert or replace one message in a new list, ascending by order and bounded. */
export function upsertMessage(list: readonly Message[], message: Message, max: number): readonly Message[] {
  const last = list[list.length - 1];
  if (!last || last.order < message.order) {
    // Newer than everything loaded (the common case: a live or replayed message): append without searching,
    // copying the list once, already bounded.
    const next = list.slice(Math.max(0, list.length + 1 - max));
    next.push(message);
    return next.length > max ? next.slice(next.length - max) : next;
  }
  const next = list.slice();
  placeMessage(next, message);
  trimFront(next, max);
  return next;
}

/**
 * Insert or replace one message in place, keeping the order. Not bounded: the caller trims with trimFront
 * before it next looks past the newest message, and at the end (an append never needs the older ones).
 */
export function placeMessage(list: Message[], message: Message): void {
  const last = list[list.length - 1];
  if (!last || last.order < message.order) {
    list.push(message);
    return;
  }
  const at = list.findIndex((m) => m.id === message.id);
  if (at >= 0) {
    list[at] = message;
    return;
  }
  let i = list.length;
  while (i > 0 && list[i - 1]!.order > message.order) i--;
  list.splice(i, 0, message);
}

/** Drop the oldest messages beyond `max`. */
export function trimFront(list: Message[], max: number): void {
  if (list.length > max) list.splice(0, list.length - max);
}
