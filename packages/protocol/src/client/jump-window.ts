import type { Message } from '../model.js';

/*
 * A room's second window of messages: the ones loaded around a message far back (a search hit), which the
 * room's main list (contiguous up to the newest message, kept current by events) does not reach. The two
 * lists never pretend to be one: the main list stays gap-free, the jump window is contiguous in itself, and
 * they become one list only once they meet (see world.ts `addJumpPage`).
 */
export interface JumpWindow {
  /** The message the window was loaded around. */
  anchorId: string;
  /** Ascending by order, contiguous in the room (every live message between the first and the last). */
  messages: readonly Message[];
  /** Nothing older exists in the room. */
  olderEnd: boolean;
}

/** Merge pages into a window's list: deduped by id (the newer copy wins), ascending by order. */
export function mergeById(list: readonly Message[], page: readonly Message[]): Message[] {
  const byId = new Map<string, Message>();
  for (const m of list) byId.set(m.id, m);
  for (const m of page) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => a.order - b.order);
}

/** Do two contiguous lists touch or overlap, so that their union is contiguous too? */
export function meets(older: readonly Message[], newer: readonly Message[]): boolean {
  const lastOlder = older[older.length - 1];
  const firstNewer = newer[0];
  if (!lastOlder || !firstNewer) return false;
  return lastOlder.order >= firstNewer.order;
}
