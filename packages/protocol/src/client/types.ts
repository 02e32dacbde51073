import type { ClientEvent } from '../decode.js';
import type { PresenceAllNotice, PresenceNotice, ReadyFrame, TypingNotice, VoiceSpeakingNotice } from '../frames.js';
import type { VoiceAudio } from './voice-link.js';
import type { StateResult } from '../requests.js';
import type { WebSocketFactory } from './socket.js';

/**
 * The public shape of the typed client (OdClient). The TUI and bots depend only on this and on the
 * schemas; the implementation lives beside it.
 */

/** What the status line shows. `retryAt` is an epoch-ms timestamp from the injected clock. */
export type ConnectionStatus =
  | { state: 'connecting'; attempt: number }
  | { state: 'authenticating' }
  /** Catching up after a reconnect or a detected gap: `through` of `head` orders accounted so far. */
  | { state: 'resyncing'; through: number; head: number }
  | { state: 'live' }
  | { state: 'offline'; retryAt: number; reason: string }
  /**
   * Closed for good. `code` says why, so callers never parse `reason` (text for people): NORMAL after
   * `close()`, UNAUTHORIZED when the session cannot be refreshed (log in again), or the fatal code the
   * server closed with (FORBIDDEN: banned, REMOVED: kicked). See CloseCode.
   */
  | { state: 'closed'; reason: string; code: number };

/** Supplies access tokens; refreshes them when they expire or the server says 4401. */
export interface TokenSource {
  /** A valid access token (refreshing first if the current one is expired or `forceRefresh`). */
  getAccessToken(forceRefresh?: boolean): Promise<string>;
}

export interface Backoff {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** 0..1: each delay is multiplied by a random factor in [1 - jitter, 1]. */
  jitter: number;
}

export interface OdClientOptions {
  /** Server base URL, http(s)://host:port; the WebSocket lives at /ws on the same port. */
  url: string;
  tokens: TokenSource;
  /** Resume after this order instead of starting from a fresh `state`. */
  lastOrder?: number;
  requestTimeoutMs?: number;
  /**
   * Drop and reconnect when nothing (no frame, no ping) arrived for this long, to notice a server that
   * vanished without closing the socket. The server pings every 30 s; default 75 s with the default socket.
   * With an injected `webSocket` the default is 0 (off): a runtime that hides pings would otherwise drop
   * every quiet connection. Set it when your sockets report pings (`onping`).
   */
  idleTimeoutMs?: number;
  backoff?: Partial<Backoff>;
  /**
   * Opens the socket; default: the ws package (Node). Any WHATWG WebSocket fits, e.g.
   * `webSocket: (url) => new WebSocket(url)` in a browser, Deno or Bun.
   */
  webSocket?: WebSocketFactory;
  /** Injected for tests. */
  now?: () => number;
  random?: () => number;
}

/** Why a `snapshot` was loaded. */
export type SnapshotReason = 'initial' | 'gap-too-large' | 'access-changed';

export interface OdClientEvents {
  status: (status: ConnectionStatus) => void;
  ready: (ready: ReadyFrame) => void;
  /**
   * Fresh world state, loaded by the client itself: on the first connect without `lastOrder`, when the server
   * says the gap is too large to replay, and when this user's access changed. Consumers replace their world.
   */
  snapshot: (state: StateResult, reason: SnapshotReason) => void;
  /** Every visible event exactly once and in order across reconnects (deduped by order). */
  event: (event: ClientEvent) => void;
  /**
   * The same events as `event`, a batch at a time — a replay or sync page, or one live event — emitted right
   * after their `event`s and before anything that follows them (a `snapshot` included). For consumers that
   * fold many at once, such as `applyEvents` on the World when catching up. Listen to one of the two.
   */
  events: (events: readonly ClientEvent[]) => void;
  typing: (notice: TypingNotice) => void;
  presence: (notice: PresenceNotice) => void;
  /** Everyone not offline, when the connection goes live (presence missed while away is replaced by it). */
  presenceAll: (notice: PresenceAllNotice) => void;
  /** Audio from another participant of the voice room this connection joined (`voiceJoin`). */
  voice: (audio: VoiceAudio) => void;
  /** Someone in a voice room this user can see started or stopped speaking (ephemeral). */
  voiceSpeaking: (notice: VoiceSpeakingNotice) => void;
  /**
   * This connection is no longer in voice: it left, joined elsewhere from another connection, was dropped by
   * the server (it stopped reading, lost access) or the connection closed. Join again to continue.
   */
  voiceEnded: (reason: string) => void;
  /** Non-fatal problems worth logging (a malformed frame from the server, a failed refresh that will be retried). */
  warning: (message: string) => void;
}
