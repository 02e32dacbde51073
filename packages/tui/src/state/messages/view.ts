import type { Message } from '@open-discord/protocol';
import type { ActivityLine } from '../activity/describe.js';

/** A message as the screen shows it: confirmed by the server, or still our own pending/failed copy. */
export type ChatMessage = Message & {
  /** Pending copies have order 0 (they always render after every confirmed message) and id `pending:<nonce>`. */
  status: 'confirmed' | 'pending' | 'failed' | 'queued';
  /** (`queued` is a pending send while the client is not live: it goes out on reconnect; see queuedWhileOffline.) */
  /** Why a failed send failed, shown beside it. */
  error?: string;
};

/** Per room, what only this screen knows (the messages, read marker and counts are the world's). */
export interface PaneState {
  /** Our own sends not yet echoed by the server (pending) or refused (failed), in send order. */
  pending: ChatMessage[];
  /** A history request for this room is in flight. */
  loading: boolean;
  /** The read marker when the room was last entered: the "new since you last read" ruler sits after it. */
  ruler: number | null;
  /** Lines scrolled up from the bottom (0 = following the newest message). */
  scroll: number;
  /** Messages that arrived below the view while scrolled up. */
  newBelow: number;
  /**
   * The state was reloaded because the gap was too large to replay: the marker line sits before the first
   * message with order >= `before` (null until the reloaded history arrives, then placed at its oldest message).
   */
  reloaded: { before: number | null } | null;
  /**
   * Entered with unread messages: open at the read ruler (its first unread message at the top) as soon as that
   * message is loaded, instead of at the newest one. Cleared once placed, or when the reader scrolls.
   */
  anchor: boolean;
}

/** A room as the components draw it: the world's messages and counts joined with the screen's own state. */
export interface RoomView extends PaneState {
  /** Confirmed messages, ascending by order, no duplicates. */
  messages: readonly ChatMessage[];
  /** Nothing older exists on the server (or nothing was ever there to load). */
  end: boolean;
  /** Older messages existed and were deleted by the room's retention policy (so the top is not the room's start). */
  expired?: boolean;
  /** Order of the last message this user marked read. */
  readMarker: number;
  unread: number;
  mentions: number;
  /** What happened in the room besides messages, ascending by order. */
  activity: readonly ActivityLine[];
}

export function emptyPane(): PaneState {
  return { pending: [], loading: false, ruler: null, scroll: 0, newBelow: 0, reloaded: null, anchor: false };
}
