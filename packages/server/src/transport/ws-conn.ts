import type { Socket } from 'node:net';
import { CloseCode } from '@open-discord/protocol';
import * as wsModule from 'ws';
import { WebSocket } from 'ws';
import type { Conn } from '../session/conn.js';

/** ws's frame builder; exported at runtime, missing from its type declarations. */
const Sender = (wsModule as unknown as { Sender: { frame(data: Buffer, options: object): Buffer[] } }).Sender;

/**
 * Corks each socket on its first shared write in a tick and uncorks them all at setImmediate, so a
 * burst of fan-out frames leaves as one write per socket instead of one syscall per frame.
 */
export class Corker {
  private readonly corked = new Set<WsConn>();
  /** Shared payload → its complete WebSocket frame, built once per event rather than once per socket. */
  private readonly frames = new WeakMap<Buffer, Buffer>();
  /** The same for binary (voice) payloads. */
  private readonly binaryFrames = new WeakMap<Buffer, Buffer>();

  /**
   * Pre-frame a shared text payload (unmasked, as server frames are). Writing these bytes straight to the
   * socket is safe because compression is off and we never send Blobs, so ws's sender never queues and
   * cannot reorder them against its own writes.
   */
  framed(payload: Buffer, binary = false): Buffer {
    const cache = binary ? this.binaryFrames : this.frames;
    let f = cache.get(payload);
    if (!f) {
      const parts = Sender.frame(payload, {
        fin: true,
        rsv1: false,
        opcode: binary ? 2 : 1,
        mask: false,
        readOnly: true,
      });
      f = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
      cache.set(payload, f);
    }
    return f;
  }

  cork(c: WsConn): void {
    if (this.corked.has(c)) return;
    if (this.corked.size === 0) setImmediate(this.flush);
    this.corked.add(c);
    c.corked = true;
    c.bufferedBeforeCork = c.bufferedAmount;
    c.socket.cork();
  }

  private readonly flush = (): void => {
    const list = [...this.corked];
    this.corked.clear();
    for (const c of list) {
      c.corked = false;
      c.socket.uncork();
      c.checkBuffer(c.bufferedBeforeCork);
    }
  };
}

/** How long a closing peer may take to complete the close handshake before it is cut off... */
const CLOSE_GRACE_MS = 2000;
/** ...plus the time to drain what is still buffered for it at this (slow-link) rate... */
const CLOSE_DRAIN_BYTES_PER_SEC = 128 * 1024;
/** ...but never longer than this: a peer that does not read at all holds its buffer no longer. */
const CLOSE_GRACE_MAX_MS = 30_000;

/** A `ws` connection as the session layer sees it, with the send-buffer cap enforced. */
export class WsConn implements Conn {
  /** Corked for this tick's fan-out: what is buffered now is our own batching, not a slow reader. */
  corked = false;
  /** What was buffered when this tick's fan-out began (see checkBuffer). */
  bufferedBeforeCork = 0;

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
    // Corked: this tick's fan-out is still in the buffer; the corker judges after uncorking.
    if (!this.corked && this.checkBuffer(this.ws.bufferedAmount)) return;
    this.ws.send(text);
  }

  sendShared(frame: Buffer): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    if (!this.socket.writable) return;
    this.corker.cork(this);
    this.socket.write(this.corker.framed(frame));
  }

  sendVoice(frame: Buffer, maxBuffered: number): boolean {
    if (this.ws.readyState !== WebSocket.OPEN || !this.socket.writable) return false;
    if (this.ws.bufferedAmount > maxBuffered) return false;
    // Written now, never corked by voice itself (a socket this tick's text fan-out corked holds it until the tick ends).
    this.socket.write(this.corker.framed(frame, true));
    return true;
  }

  /**
   * A client that does not read is closed (4429) rather than allowed to grow server memory: when the
   * backlog it left was already over the cap before this write (or before this tick's fan-out), and still
   * is. Judging by what is buffered after the write instead would close a reading client for one reply
   * larger than the cap (a big history page) before it had any chance to read it. Memory stays bounded by
   * the cap plus one write (one tick's fan-out). True when it closed.
   */
  checkBuffer(before: number): boolean {
    if (this.ws.readyState === WebSocket.OPEN && before > this.sendBufferCap && this.ws.bufferedAmount > this.sendBufferCap) {
      this.onOverflow();
      this.close(CloseCode.TOO_SLOW, 'send buffer full; resume later');
      return true;
    }
    return false;
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    if (this.ws.readyState !== WebSocket.CLOSING) this.ws.close(code, reason);
    // Closed for flooding (4429): read nothing more from it. What it still has in flight would otherwise be
    // unmasked and validated for nothing (megabytes, for a flood); its close completes by the grace timer.
    if (code === CloseCode.TOO_SLOW) this.socket.pause();
    // A peer that never answers the close (or never drains its buffer) is cut off; one that is reading
    // gets time to drain what is still queued for it, so a close is not cut off mid-frame.
    const grace = Math.min(CLOSE_GRACE_MAX_MS, CLOSE_GRACE_MS + (this.ws.bufferedAmount / CLOSE_DRAIN_BYTES_PER_SEC) * 1000);
    setTimeout(() => this.closeGraceExpired(), grace).unref();
  }

  /**
   * The peer did not complete the close handshake in time. Destroying the socket now would make the kernel
   * answer with a reset whenever the peer's bytes are still unread here (a client that floods and then gets
   * closed): the reset discards what the peer had not read yet, our close frame included, and a peer that
   * was merely slow (a busy machine) would see 1006 instead of the close code. So when everything we wrote
   * has left the process, end our side instead: the close frame arrives followed by an orderly FIN, the
   * peer learns the code whenever it gets to read, and its own close (or ws's close timeout) ends the
   * socket. A peer that left our writes queued is not reading at all: nothing more can reach it.
   */
  closeGraceExpired(): void {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    if (this.ws.bufferedAmount > 0) {
      this.ws.terminate();
      return;
    }
    if (this.socket.writable) this.socket.end();
    setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MAX_MS).unref();
  }
}
