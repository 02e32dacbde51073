import type { Socket } from 'node:net';
import { CloseCode } from '@open-discord/protocol';
import { WebSocket } from 'ws';
import type { Conn } from '../session/conn.js';

/**
 * Corks each socket on its first shared write in a tick and uncorks them all at setImmediate, so a
 * burst of fan-out frames leaves as one write per socket instead of one syscall per frame.
 */
export class Corker {
  private readonly corked = new Set<WsConn>();

  cork(c: WsConn): void {
    if (this.corked.has(c)) return;
    if (this.corked.size === 0) setImmediate(this.flush);
    this.corked.add(c);
    c.corked = true;
    c.socket.cork();
  }

  private readonly flush = (): void => {
    const list = [...this.corked];
    this.corked.clear();
    for (const c of list) {
      c.corked = false;
      c.socket.uncork();
      c.checkBuffer();
    }
  };
}

/** How long a closing peer may take to complete the close handshake before it is cut off. */
const CLOSE_GRACE_MS = 2000;

/** A `ws` connection as the session layer sees it, with the send-buffer cap enforced. */
export class WsConn implements Conn {
  /** Corked for this tick's fan-out: what is buffered now is our own batching, not a slow reader. */
  corked = false;

  constructor(
    readonly ws: WebSocket,
    readonly socket: Socket,
    readonly ip: string,
    private readonly sendBufferCap: number,
    private readonly corker: Corker,
    private readonly onOverflow: () => void,
  ) {}

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  send(text: string): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(text);
    if (!this.corked) this.checkBuffer(); // else the corker checks after uncorking
  }

  sendShared(frame: Buffer): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.corker.cork(this);
    // binary:false sends the shared bytes as a text frame; ws does not copy or mask server frames.
    this.ws.send(frame, { binary: false });
  }

  /** A client that does not read is closed (4429) rather than allowed to grow server memory. */
  checkBuffer(): void {
    if (this.ws.readyState === WebSocket.OPEN && this.ws.bufferedAmount > this.sendBufferCap) {
      this.onOverflow();
      this.close(CloseCode.TOO_SLOW, 'send buffer full; resume later');
    }
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    if (this.ws.readyState !== WebSocket.CLOSING) this.ws.close(code, reason);
    // A peer that never answers the close (or never drains its buffer) is cut off.
    setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS).unref();
  }
}
