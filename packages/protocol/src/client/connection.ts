import WebSocket from 'ws';
import { decodeServerFrame, type ServerFrame } from '../decode.js';
import { CloseCode } from '../errors.js';
import { HTTP_PATHS } from '../http.js';

/** ws://host:port/ws from the server's http(s) base URL. */
export function wsUrl(base: string): string {
  const u = new URL(base);
  if (u.protocol === 'http:') u.protocol = 'ws:';
  else if (u.protocol === 'https:') u.protocol = 'wss:';
  u.pathname = u.pathname.replace(/\/+$/, '') + HTTP_PATHS.ws;
  u.search = '';
  u.hash = '';
  return u.toString();
}

/** Frames whose order matters: handled one after another by the client's pump. */
export type SequencedFrame = Extract<ServerFrame, { type: 'ready' | 'event' | 'replay' }>;

export interface ConnectionHandlers {
  onOpen(conn: Connection): void;
  /** A decoded frame of a known type (unknown frame types are dropped here, for forward compatibility). */
  onFrame(conn: Connection, frame: ServerFrame): void;
  onMalformed(conn: Connection, message: string): void;
  /** Called once, whoever closed; `reason` falls back to the socket error, if any. */
  onClose(conn: Connection, code: number, reason: string): void;
}

export interface ConnectionOptions {
  handshakeTimeoutMs: number;
  /** 0 disables the idle check. */
  idleTimeoutMs: number;
  onIdle: (conn: Connection) => void;
}

/**
 * One WebSocket to the server and the client's bookkeeping for it. A new one per (re)connect, so nothing
 * from an old socket — a late frame, a late close — can touch the state of the next one.
 */
export class Connection {
  /** Ordered frames waiting for the pump; live frames pile up here while a sync or state fetch runs. */
  readonly inbox: SequencedFrame[] = [];
  pumping = false;
  /** Forgotten by the client: frames from it are ignored. */
  dead = false;
  /** Requests may be sent: the connection has been live (it stays usable while it resyncs a gap). */
  canSend = false;
  /** `ready.head`, for progress reports. */
  head = 0;
  private readonly ws: WebSocket;
  private readyTimer: ReturnType<typeof setTimeout> | null = null;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    url: string,
    private readonly opts: ConnectionOptions,
    handlers: ConnectionHandlers,
  ) {
    this.ws = new WebSocket(wsUrl(url), { perMessageDeflate: false, handshakeTimeout: opts.handshakeTimeoutMs });
    let lastError = '';
    this.ws.on('open', () => {
      if (this.dead) return;
      this.touch();
      handlers.onOpen(this);
    });
    this.ws.on('message', (data: WebSocket.RawData) => {
      if (this.dead) return;
      this.touch();
      const decoded = decodeServerFrame(data);
      if (!decoded.ok) handlers.onMalformed(this, decoded.error.message);
      else if (decoded.value !== null) handlers.onFrame(this, decoded.value);
    });
    this.ws.on('ping', () => this.touch());
    this.ws.on('error', (error: Error) => {
      lastError = error.message;
    });
    this.ws.on('close', (code: number, reason: Buffer) => handlers.onClose(this, code, reason.toString() || lastError));
  }

  get isOpen(): boolean {
    return !this.dead && this.ws.readyState === WebSocket.OPEN;
  }

  /** Send a frame if the socket is open; false when it could not be sent. */
  send(frame: object): boolean {
    if (!this.isOpen) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  /** Give up on this connection if `ready` does not arrive in time (a server that accepts and then stalls). */
  expectReadyWithin(ms: number, onTimeout: () => void): void {
    this.readyTimer = setTimeout(onTimeout, ms);
  }

  readyArrived(): void {
    if (this.readyTimer) clearTimeout(this.readyTimer);
    this.readyTimer = null;
  }

  /** Forget the connection: no more frames are handled from it, timers stop. The socket is left as is. */
  forget(): void {
    this.readyArrived();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.dead = true;
    this.inbox.length = 0;
  }

  /** Forget and drop the socket at once (its `close` still fires and drives the reconnect). */
  kill(): void {
    this.forget();
    this.ws.terminate();
  }

  /** Forget and close politely (1000) if open; terminate a handshake still in progress. */
  end(): void {
    this.forget();
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(CloseCode.NORMAL, 'bye');
    else this.ws.terminate();
  }

  /** Something arrived: the peer is alive. Re-arm the idle timer. */
  private touch(): void {
    const ms = this.opts.idleTimeoutMs;
    if (this.dead || ms <= 0) return;
    // refresh() re-arms the same timer: far cheaper than a new setTimeout for every frame.
    if (this.idleTimer) this.idleTimer.refresh();
    else this.idleTimer = setTimeout(() => this.opts.onIdle(this), ms);
  }
}
