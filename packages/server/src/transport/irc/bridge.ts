import {
  decodeServerFrame,
  type ErrorBody,
  type ReadyFrame,
  type RequestParams,
  type RequestResult,
  type RequestType,
  type ServerFrame,
} from '@open-discord/protocol';
import type { Conn } from '../../session/conn.js';
import { encode } from '../../wire/encode.js';

/** What the composition root gives a transport for each connection: the same session every WebSocket gets. */
export type OpenSession = (conn: Conn) => {
  message: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void;
  close: () => void;
  overflow: () => void;
};

/** A request the session refused, with the protocol's error code and message. */
export class OdRequestError extends Error {
  constructor(readonly body: ErrorBody) {
    super(body.message);
  }
}

export interface LinkEvents {
  /** Every frame after `ready` (events, replay pages, presence, typing), in the order the session sent them. */
  frame(f: ServerFrame): void;
  /** The session ended (token expiry, revocation, removal, shutdown, a slow reader). */
  closed(code: number, reason: string): void;
}

/**
 * An od session driven from inside the process: the IRC connection speaks the protocol's own frames to a
 * real `Session` (auth, requests, idle) and reads its frames back, so every rule (authorisation, rate
 * limits, visibility, fan-out audiences) is the one WebSocket clients get. Only the rendering differs.
 */
export class OdLink implements Conn {
  private session: ReturnType<OpenSession> | null = null;
  private nextId = 1;
  private readonly pending = new Map<string, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private ready: { resolve: (f: ReadyFrame) => void; reject: (e: Error) => void } | null = null;
  private open = false;

  constructor(
    private readonly openSession: OpenSession,
    readonly ip: string,
    private readonly buffered: () => number,
    private readonly on: LinkEvents,
  ) {}

  get bufferedAmount(): number {
    return this.buffered();
  }

  /** IRC carries no audio: an IRC connection never joins a voice room, and a frame for it is dropped. */
  sendVoice(): boolean {
    return false;
  }

  /** Authenticate a fresh session with this access token (resuming after `resumeAfter` when given). */
  connect(token: string, resumeAfter?: number): Promise<ReadyFrame> {
    this.session = this.openSession(this);
    this.open = true;
    const p = new Promise<ReadyFrame>((resolve, reject) => (this.ready = { resolve, reject }));
    this.session.message(Buffer.from(encode({ type: 'auth', token, ...(resumeAfter !== undefined && { resumeAfter }) })), false);
    return p;
  }

  get connected(): boolean {
    return this.open;
  }

  request<T extends RequestType>(type: T, params: RequestParams<T>): Promise<RequestResult<T>> {
    if (!this.session || !this.open) return Promise.reject(new OdRequestError({ code: 'UNAVAILABLE', message: 'not connected' }));
    const id = String(this.nextId++);
    const p = new Promise<RequestResult<T>>((resolve, reject) => this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject }));
    this.session.message(Buffer.from(encode({ ...params, id, type })), false);
    return p;
  }

  idle(idle: boolean): void {
    if (this.session && this.open) this.session.message(Buffer.from(encode({ type: 'idle', idle })), false);
  }

  /** The IRC side went away: end the session. */
  disconnect(): void {
    if (!this.open) return;
    this.open = false;
    this.session?.close();
    this.fail('disconnected');
  }

  // ---- Conn: what the session writes ----

  send(text: string): void {
    this.receive(text);
  }

  sendShared(frame: Buffer): void {
    this.receive(frame);
  }

  close(code: number, reason: string): void {
    if (!this.open) return;
    this.open = false;
    this.session?.close();
    this.fail(reason);
    this.on.closed(code, reason);
  }

  private fail(reason: string): void {
    const err = new OdRequestError({ code: 'UNAVAILABLE', message: reason });
    this.ready?.reject(err);
    this.ready = null;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  private receive(data: string | Buffer): void {
    if (!this.open) return;
    const decoded = decodeServerFrame(data);
    if (!decoded.ok || decoded.value === null) return;
    const f = decoded.value;
    if (f.type === 'ready') {
      this.ready?.resolve(f.frame);
      this.ready = null;
      return;
    }
    if (f.type === 'reply') {
      const id = f.frame.replyTo;
      const p = id === null ? undefined : this.pending.get(id);
      if (!p) return;
      this.pending.delete(id!);
      if (f.frame.ok) p.resolve(f.frame.result);
      else p.reject(new OdRequestError(f.frame.error));
      return;
    }
    this.on.frame(f);
  }
}
