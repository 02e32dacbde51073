import { decodeServerFrame, type ServerFrame, type FrameData } from '../decode.js';
import { CloseCode } from '../errors.js';
import { HTTP_PATHS } from '../http.js';
import { SOCKET_OPEN, type WebSocketFactory, type WebSocketLike } from './socket.js';

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
  /** A binary frame (voice audio): the bytes as they came, not yet decoded. */
  onBinary?(conn: Connection, bytes: Uint8Array): void;
  /** Called once, whoever closed; `reason` falls back to the socket error, if any. */
  onClose(conn: Connection, code: number, reason: string): void;
}

export interface ConnectionOptions {
  handshakeTimeoutMs: number;
  /** 0 disables the idle check. */
  idleTimeoutMs: number;
  onIdle: (conn: Connection) => void;
  createSocket: WebSocketFactory;
}

const isFrameData = (d: unknown): d is FrameData =>
  typeof d === 'string' || d instanceof ArrayBuffer || ArrayBuffer.isView(d) || (Array.isArray(d) && d.every((p) => ArrayBuffer.isView(p)));

const binaryBytes = (d: FrameData): Uint8Array | null => {
  if (d instanceof ArrayBuffer) return new Uint8Array(d);
  if (ArrayBuffer.isView(d)) return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  return null;
};

const errorText = (event: unknown): string => {
  const m = (event as { message?: unknown } | null)?.message;
  return typeof m === 'string' ? m : '';
};

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
  private readonly ws: WebSocketLike;
  private readyTimer: ReturnType<typeof setTimeout> | null = null;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  private closeReported = false;

  constructor(
    url: string,
    private readonly opts: ConnectionOptions,
    private readonly handlers: ConnectionHandlers,
  ) {
    this.ws = opts.createSocket(wsUrl(url), { handshakeTimeoutMs: opts.handshakeTimeoutMs });
    if ('binaryType' in this.ws) this.ws.binaryType = 'arraybuffer';
    let lastError = '';
    this.ws.onopen = () => {
      if (this.dead) return;
      this.touch();
      handlers.onOpen(this);
    };
    this.ws.onmessage = ({ data, binary }) => {
      if (this.dead) return;
      this.touch();
      if (!isFrameData(data)) return handlers.onMalformed(this, 'a frame that is neither text nor bytes');
      if (binary ?? typeof data !== 'string') {
        const bytes = binaryBytes(data);
        if (bytes) handlers.onBinary?.(this, bytes);
        return;
      }
      const decoded = decodeServerFrame(data);
      if (!decoded.ok) handlers.onMalformed(this, decoded.error.message);
      else if (decoded.value !== null) handlers.onFrame(this, decoded.value);
    };
    this.ws.onping = () => this.touch();
    this.ws.onerror = (event) => {
      lastError = errorText(event) || lastError;
    };
    this.ws.onclose = ({ code, reason }) => this.reportClose(code, reason || lastError);
  }

  get isOpen(): boolean {
    return !this.dead && this.ws.readyState === SOCKET_OPEN;
  }

  /** Send a frame if the socket is open; false when it could not be sent. */
  send(frame: object): boolean {
    if (!this.isOpen) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  /**
   * Send a binary frame (voice) unless more than `maxBuffered` bytes wait to be sent: audio that would queue
   * behind a backlog is late by the time it arrives, so it is dropped instead. False when not sent.
   */
  sendBinary(bytes: Uint8Array, maxBuffered: number): boolean {
    if (!this.isOpen) return false;
    if ((this.ws.bufferedAmount ?? 0) > maxBuffered) return false;
    this.ws.send(bytes);
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

  /**
   * Forget and drop the socket at once; its close drives the reconnect. A socket that cannot terminate is
   * closed politely and its close reported now: a vanished peer would never finish the closing handshake.
   */
  kill(): void {
    this.forget();
    if (this.ws.terminate) return this.ws.terminate();
    this.ws.close();
    this.reportClose(CloseCode.ABNORMAL, '');
  }

  /** Forget and close politely (1000) if open; drop a handshake still in progress. */
  end(): void {
    this.forget();
    if (this.ws.readyState === SOCKET_OPEN) this.ws.close(CloseCode.NORMAL, 'bye');
    else if (this.ws.terminate) this.ws.terminate();
    else this.ws.close();
  }

  /** The close reaches the client once, from the socket or from kill(), whichever is first. */
  private reportClose(code: number, reason: string): void {
    if (this.closeReported) return;
    this.closeReported = true;
    this.handlers.onClose(this, code, reason);
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
