import WebSocket from 'ws';
import { withTimeout } from './wait.js';

/*
 * A deliberately thin WebSocket client for the fault tests: it speaks the wire format directly (no retries,
 * no resync) so the tests see exactly what the server sends, and it can misbehave on purpose.
 */

export type Frame = Record<string, unknown> & { type?: string };
export interface Reply {
  type: 'reply';
  replyTo: string | null;
  ok: boolean;
  result?: unknown;
  error?: { code: string; message: string; retryAfterMs?: number };
}
export interface CloseInfo {
  code: number;
  reason: string;
}

export interface OpenOptions {
  origin?: string;
  /** false: never answer pings (a dead peer as far as the server can tell). */
  autoPong?: boolean;
  timeoutMs?: number;
}

export class ConnectRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

let nextId = 0;

export class RawClient {
  readonly frames: Frame[] = [];
  readonly closed: Promise<CloseInfo>;
  closeInfo: CloseInfo | null = null;
  /** Keep every frame in `frames` (off for long runs that only use `onFrame`). */
  keepFrames = true;
  onFrame: ((f: Frame) => void) | null = null;
  private replies = new Map<string, (r: Reply) => void>();
  private waiters = new Set<() => void>();

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString('utf8') };
        for (const w of this.waiters) w();
        resolve(this.closeInfo);
      });
    });
    ws.on('error', () => {
      /* surfaced through `closed` */
    });
    ws.on('message', (data, isBinary) => {
      let frame: Frame;
      try {
        frame = JSON.parse(isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString()) as Frame;
      } catch {
        frame = { type: '<non-json>', raw: data.toString().slice(0, 200) };
      }
      if (this.keepFrames) this.frames.push(frame);
      if (frame.type === 'reply' && typeof frame.replyTo === 'string') {
        const r = this.replies.get(frame.replyTo);
        if (r) {
          this.replies.delete(frame.replyTo);
          r(frame as unknown as Reply);
        }
      }
      this.onFrame?.(frame);
      for (const w of this.waiters) w();
    });
  }

  /** Open a socket to `wsUrl`; rejects with ConnectRefused if the upgrade is answered with an HTTP error. */
  static open(wsUrl: string, opts: OpenOptions = {}): Promise<RawClient> {
    const ws = new WebSocket(wsUrl, {
      headers: opts.origin ? { Origin: opts.origin } : {},
      autoPong: opts.autoPong ?? true,
      perMessageDeflate: false,
      handshakeTimeout: opts.timeoutMs ?? 10_000,
    });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new RawClient(ws)));
      ws.once('unexpected-response', (_req, res) => {
        reject(new ConnectRefused(res.statusCode ?? 0, `upgrade refused with HTTP ${res.statusCode}`));
        ws.terminate();
      });
      ws.once('error', (err) => reject(err));
      // A close right after the upgrade (e.g. a connection cap enforced with a close code).
      ws.once('close', (code) => reject(new ConnectRefused(0, `closed during open with ${code}`)));
    });
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(frame: Frame | string | Buffer, binary = false): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    if (Buffer.isBuffer(frame)) this.ws.send(frame, { binary });
    else this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Send `{id, type, ...params}` and wait for its reply (rejects if the socket closes first). */
  request(type: string, params: Record<string, unknown> = {}, timeoutMs = 10_000): Promise<Reply> {
    const id = `r${++nextId}`;
    const reply = new Promise<Reply>((resolve, reject) => {
      this.replies.set(id, resolve);
      void this.closed.then((c) => reject(new Error(`socket closed (${c.code} ${c.reason}) before reply to ${type}`)));
    });
    this.send({ id, type, ...params });
    return withTimeout(reply, timeoutMs, `reply to ${type}`);
  }

  /** Wait until some received frame satisfies `pred` (frames received earlier count too). */
  waitFor(pred: (f: Frame) => boolean, timeoutMs = 10_000, what = 'a frame'): Promise<Frame> {
    const found = () => this.frames.find(pred);
    return withTimeout(
      new Promise<Frame>((resolve, reject) => {
        const check = () => {
          const f = found();
          if (f) {
            this.waiters.delete(check);
            resolve(f);
          } else if (this.closeInfo) {
            this.waiters.delete(check);
            reject(new Error(`socket closed (${this.closeInfo.code} ${this.closeInfo.reason}) while waiting for ${what}`));
          }
        };
        this.waiters.add(check);
        check();
      }),
      timeoutMs,
      what,
    );
  }

  /** Send `auth` and wait for `ready`; rejects with the close code if the server refuses. */
  async auth(token: string, resumeAfter?: number, timeoutMs = 10_000): Promise<Frame> {
    this.send(resumeAfter === undefined ? { type: 'auth', token } : { type: 'auth', token, resumeAfter });
    return this.waitFor((f) => f.type === 'ready', timeoutMs, 'ready');
  }

  /** Wait for the close frame (or the socket to drop). */
  waitClosed(timeoutMs = 10_000): Promise<CloseInfo> {
    return withTimeout(this.closed, timeoutMs, 'socket to close');
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
  }
}

/** Open + auth in one step. */
export async function connectAuthed(wsUrl: string, token: string, opts: OpenOptions = {}): Promise<RawClient> {
  const c = await RawClient.open(wsUrl, opts);
  await c.auth(token);
  return c;
}
