import type { TypingState } from './typing.js';
import type { Category, ConnectionStatusLike, Me, PublicUser, Role, Room } from './wire-types.js';

/** A message as the client shows it: confirmed by the server, or still our own pending/failed copy. */
export interface ChatMessage {
  /** Server id once confirmed; `pending:<nonce>` before. */
  id: string;
  roomId: string;
  authorId: string;
  text: string;
  createdAt: number;
  /** Server order; 0 for our pending copies (they always render after every confirmed message). */
  order: number;
  nonce?: string;
  action?: boolean;
  mentions?: string[];
  editedAt?: number;
  status: 'confirmed' | 'pending' | 'failed';
  /** Why a failed send failed, shown beside it. */
  error?: string;
}

export interface RoomView {
  /** Confirmed messages, ascending by order, no duplicates. */
  messages: ChatMessage[];
  /** Our own sends not yet echoed by the server (pending) or refused (failed), in send order. */
  pending: ChatMessage[];
  /** Nothing older exists on the server (or nothing was ever there to load). */
  end: boolean;
  /** A history request for this room is in flight. */
  loading: boolean;
  /** Order of the last message this user marked read. */
  readMarker: number;
  unread: number;
  mentions: number;
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
}

export interface InputState {
  text: string;
  cursor: number;
  /** Active Tab completion: repeated Tab cycles through `candidates`. */
  completion: { start: number; end: number; candidates: string[]; index: number } | null;
  /** Position while walking the room's history with Up/Down (null = editing a fresh line). */
  historyIndex: number | null;
}

export type Overlay =
  | { kind: 'help'; lines: string[] }
  | { kind: 'roles' }
  | { kind: 'switcher'; query: string; selected: number }
  /**
   * `text` is the whole message to send; a paste that arrives in several chunks continues at `at`, after a
   * line break held back from the end of the previous chunk (`held`) in case that chunk was the last.
   */
  | { kind: 'paste'; text: string; at: number; held: boolean };

export interface Flash {
  kind: 'info' | 'error';
  text: string;
}

export interface AppState {
  status: ConnectionStatusLike;
  me: Me | null;
  users: Record<string, PublicUser>;
  rooms: Record<string, Room>;
  categories: Record<string, Category>;
  roles: Record<string, Role>;
  views: Record<string, RoomView>;
  currentRoomId: string | null;
  /** Per-room drafts and sent-line history; the current room's draft lives in `input`. */
  drafts: Record<string, { text: string; cursor: number }>;
  history: Record<string, string[]>;
  input: InputState;
  overlay: Overlay | null;
  flash: Flash | null;
  layout: { cols: number; rows: number };
  /**
   * Counts mentions of me in rooms that are not focused; each increase is one notification (bell or desktop),
   * about `lastMention`.
   */
  bell: number;
  lastMention: { roomId: string; authorId: string; text: string } | null;
  /**
   * The round trip of the newest lag probe (a one-message `history` read) on the current connection, and when
   * it was measured; null until one came back since the connection went live.
   */
  lag: { ms: number; at: number } | null;
  /** Who is typing where (ephemeral; see typing.ts). */
  typing: TypingState;
}
