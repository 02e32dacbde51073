/**
 * The socket the client talks through, injected so the client runs wherever a WebSocket exists: the WHATWG
 * shape (browsers, Deno, Bun, Node 22's global WebSocket) plus two optional members only `ws` can offer.
 * The Node default (`nodeWebSocket`, over the ws package) lives in node-socket.ts; nothing else here may
 * import ws.
 */

/*
 * Handlers are declared through a method type so they are compared bivariantly, like DOM event handlers: a
 * runtime's socket whose `onclose` takes its own richer CloseEvent still fits.
 */
type Handler<E> = { bivarianceHack(event: E): void }['bivarianceHack'];

/** What the client reads from a close event. */
export interface SocketCloseEvent {
  code: number;
  reason: string;
}

/** WHATWG readyState values. */
export const SOCKET_OPEN = 1;

export interface WebSocketLike {
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  /** Browsers deliver binary frames as a Blob unless this is 'arraybuffer' (the client sets it where it exists). */
  binaryType?: string;
  /** Text frames are strings; binary frames (voice) are bytes. */
  send(data: string | Uint8Array): void;
  /** Bytes queued and not yet sent (WHATWG and ws have it): voice frames are dropped rather than queued behind them. */
  readonly bufferedAmount?: number;
  close(code?: number, reason?: string): void;
  onopen: Handler<unknown> | null;
  /**
   * `data` is the frame: text, or bytes (ArrayBuffer or a typed array). `binary` says which when text may
   * arrive as bytes too (ws); without it, bytes are a binary frame (WHATWG delivers text as a string).
   */
  onmessage: Handler<{ data: unknown; binary?: boolean }> | null;
  /** Fires once, whoever closed. */
  onclose: Handler<SocketCloseEvent> | null;
  /** The error's `message`, when the runtime gives one, becomes the close reason shown to the user. */
  onerror: Handler<unknown> | null;
  /**
   * Optional (ws): drop the connection at once. Without it the client closes politely and stops waiting for
   * the close handshake itself, since a vanished peer never answers it.
   */
  terminate?(): void;
  /**
   * Optional (ws): the server's transport-level pings, which tell the idle check that a quiet server is
   * alive. Runtimes that hide pings cannot offer it; the idle check is then off unless asked for.
   */
  onping?: Handler<void> | null;
}

export interface WebSocketOptions {
  /** Give up on the opening handshake after this long (where the runtime allows setting it). */
  handshakeTimeoutMs: number;
}

/** Opens a socket to `url` (ws:// or wss://, path included). */
export type WebSocketFactory = (url: string, options: WebSocketOptions) => WebSocketLike;
