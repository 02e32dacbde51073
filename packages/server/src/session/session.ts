import type { AuthFrame, ClientFrame, ErrorBody, Me, ParsedParams, RequestType } from '@open-discord/protocol';
import { CloseCode, decodeClientFrame, isVoiceFrame, LIMITS, PROTOCOL_VERSION, ProtocolError } from '@open-discord/protocol';
import type { Services } from '../app.js';
import { describe } from '../core/commit-queue.js';
import { RateLimiter } from '../core/rate-limit.js';
import type { TypingRelay } from '../features/typing/relay.js';
import type { VoiceRelay } from '../features/voice/relay.js';
import { readyFrame, replayFrame, replyErrorFrame, replyOkFrame, syncPageJson } from '../wire/encode.js';
import type { Conn } from './conn.js';
import type { Dispatcher } from './dispatcher.js';
import type { Hub } from './hub.js';
import { ParseBudget } from './parse-budget.js';
import type { SyncPage } from '../features/sync/sync.js';

export interface SessionOptions {
  serverVersion: string;
  authTimeoutMs: number;
  maxConnectionsPerUser: number;
  /** Per-connection frame budget; exceeding it closes with 4429. */
  frameRate: { perSec: number; burst: number };
  /** Malformed frames tolerated per connection before closing with 4400. */
  maxMalformed: number;
  /** Pause replay while this many bytes wait to be sent to the client. */
  replayHighWater: number;
  /** The server's typing relay (features/typing). */
  typing: TypingRelay;
  /** The server's voice relay (features/voice): binary frames go there. */
  voice?: VoiceRelay;
  now: () => number;
  /** Malformed input budget per address and account, shared by all sessions (one per server). */
  parseBudget?: ParseBudget;
}

/** Frames above this size from a blocked address or account are refused before they are parsed. */
export const LARGE_FRAME_BYTES = 8 * 1024;

const frameBytes = (data: Buffer | ArrayBuffer | Buffer[]) =>
  Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;

/** `verifying`: the auth frame arrived and its token is being checked against the store. */
type State = 'auth' | 'verifying' | 'replaying' | 'live' | 'closed';

/** Frames a client may send right behind its auth frame, kept until the token is verified. */
const MAX_HELD_FRAMES = 64;

/**
 * Requests a connection may have waiting for their replies; beyond, RATE_LIMITED without doing the work.
 * Reads are answered in the tick they arrive, so this bounds how many one burst of frames can make us
 * compute back to back; writes wait for their batch's commit and get a wider window (senders keep a
 * window of messages in flight).
 */
export const MAX_READS_IN_FLIGHT = 32;
export const MAX_REQUESTS_IN_FLIGHT = 256;


/**
 * One WebSocket connection above the transport: awaiting-auth → (replaying →) live → closed.
 *
 * While replaying it gets no live events (the replay will include them); it turns live in the same tick
 * its replay reaches head, so nothing is sent twice or skipped. `accounted` is the order this client has
 * been accounted up to: the last replay page's `through`, then each live event's order.
 */
export class Session {
  userId: string | null = null;
  /** Its person is idle (the client's `idle` frame): presence shows them away while all their connections are. */
  idle = false;
  /** The idle state the client asked for last, and the window in which further changes wait (see Hub.setIdle). */
  wantIdle = false;
  idleWindow: ReturnType<typeof setTimeout> | null = null;
  /** The session family of the token it authenticated with (logout or refresh-token reuse closes it). */
  family: string | null = null;
  accounted = 0;
  /** The access token's expiry (epoch ms): the socket is not served past it (closed with 4401). */
  private expiresAtMs = Number.POSITIVE_INFINITY;
  private expiryTimer: NodeJS.Timeout | null = null;
  private state: State = 'auth';
  private authTimer: NodeJS.Timeout | null;
  private readonly frames: RateLimiter;
  private malformed = 0;
  private readonly budget: ParseBudget;
  private inFlight = 0;
  private readsInFlight = 0;
  /** Frames that arrived while the auth frame was being verified, handled once it is. */
  private held: ClientFrame[] = [];

  constructor(
    readonly conn: Conn,
    private readonly hub: Hub,
    private readonly services: Services,
    private readonly dispatcher: Dispatcher,
    private readonly o: SessionOptions,
  ) {
    this.frames = new RateLimiter(o.frameRate.perSec, o.frameRate.burst, o.now, 1);
    this.budget = o.parseBudget ?? new ParseBudget(o.now);
    this.authTimer = setTimeout(() => this.close(CloseCode.AUTH_TIMEOUT, 'no auth frame in time'), o.authTimeoutMs);
  }

  get isLive(): boolean {
    return this.state === 'live';
  }

  /** Not closed yet (authenticating, replaying or live). */
  get isOpen(): boolean {
    return this.state !== 'closed';
  }

  onMessage(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
    if (this.state === 'closed') return;
    if (this.frames.take('') > 0) return this.close(CloseCode.TOO_SLOW, 'too many frames');
    if (this.state !== 'auth' && this.state !== 'verifying' && this.o.now() >= this.expiresAtMs) return this.expired();
    const bytes = frameBytes(data);
    // Parse work is budgeted per address and per account, not only per socket: once either has sent too
    // much malformed input, its suspect sockets and its large frames are refused before parsing.
    if ((this.malformed > 0 || bytes > LARGE_FRAME_BYTES) && this.budget.blocked(this.conn.ip, this.userId)) {
      return this.close(CloseCode.TOO_SLOW, 'too much malformed input from this address or account');
    }
    if (isBinary) {
      // Voice audio from an authenticated connection: relayed (or dropped) without a reply, since it is
      // worthless by the time an error would arrive. Anything else binary is a malformed frame like bad JSON:
      // before auth it closes the socket, after it gets an error reply.
      const authed = this.state === 'live' || this.state === 'replaying';
      if (this.o.voice && authed && Buffer.isBuffer(data) && isVoiceFrame(data)) {
        if (this.state === 'live') this.o.voice.frame(this, data);
        return;
      }
      const message = this.o.voice ? 'a binary frame must be a voice frame (docs/protocol.md, voice)' : 'binary frames are not supported';
      return this.malformedFrame(null, { code: 'BAD_REQUEST', message }, undefined, bytes);
    }
    const decoded = decodeClientFrame(data);
    if (!decoded.ok) return this.malformedFrame(decoded.id, decoded.error, decoded.auth, bytes);
    const frame = decoded.value;
    if (this.state === 'auth') {
      if (frame.kind !== 'auth') return this.close(CloseCode.PROTOCOL_VIOLATION, 'the first frame must be auth');
      this.state = 'verifying';
      void this.authenticate(frame.frame).catch((error: unknown) => {
        this.services.deps.log({ level: 'error', msg: 'authentication failed', error: describe(error) });
        this.close(CloseCode.GOING_AWAY, 'server busy; reconnect');
      });
      return;
    }
    if (this.state === 'verifying') {
      if (this.held.length >= MAX_HELD_FRAMES) return this.close(CloseCode.TOO_SLOW, 'too many frames before the auth reply');
      this.held.push(frame);
      return;
    }
    this.handle(frame);
  }

  private handle(frame: ClientFrame): void {
    switch (frame.kind) {
      case 'auth':
        return this.reply(frame.id ?? null, { code: 'BAD_REQUEST', message: 'already authenticated' });
      case 'typing':
        if (this.state === 'live') this.o.typing.notice(this, frame.frame.roomId);
        return;
      case 'idle':
        this.hub.setIdle(this, frame.frame.idle);
        return;
      case 'request':
        void this.request(frame.id, frame.type, frame.params);
        return;
    }
  }

  onClose(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.clearAuthTimer();
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
    this.hub.remove(this);
    this.o.voice?.sessionClosed(this);
  }

  close(code: number, reason: string): void {
    if (this.state === 'closed') return;
    this.onClose();
    this.conn.close(code, reason);
  }

  /** Idle sockets too are closed when the token runs out, even if the client sends nothing. */
  private armExpiry = (): void => {
    if (this.state === 'closed') return;
    const left = this.expiresAtMs - this.o.now();
    if (left <= 0) return this.expired();
    // setTimeout caps at 2^31-1 ms; a longer token re-arms when that fires.
    this.expiryTimer = setTimeout(this.armExpiry, Math.min(left, 2 ** 31 - 1));
    this.expiryTimer.unref();
  };

  /** The access token ran out: the client refreshes it and reconnects with resumeAfter (nothing is lost). */
  private expired(): void {
    this.close(CloseCode.UNAUTHORIZED, 'access token expired');
  }

  private malformedFrame(id: string | null, error: ErrorBody, auth?: 'token' | 'frame', bytes = 0): void {
    if (!this.budget.spend(this.conn.ip, this.userId, bytes)) {
      return this.close(CloseCode.TOO_SLOW, 'too much malformed input from this address or account');
    }
    if (this.state === 'auth') {
      // An auth frame that fails validation says what was wrong with it, not "the first frame must be auth".
      if (auth === 'token') return this.close(CloseCode.UNAUTHORIZED, 'invalid or expired token');
      if (auth === 'frame') return this.close(CloseCode.PROTOCOL_VIOLATION, `bad auth frame: ${error.message.slice(0, 100)}`);
      return this.close(CloseCode.PROTOCOL_VIOLATION, 'the first frame must be auth');
    }
    if (++this.malformed > this.o.maxMalformed) return this.close(CloseCode.PROTOCOL_VIOLATION, 'too many malformed frames');
    this.reply(id, error);
  }

  private async authenticate(frame: AuthFrame): Promise<void> {
    this.clearAuthTimer();
    const auth = await this.services.auth.verify(frame.token);
    // From here on synchronous: the hub knows the session before `head` is read, so no event is missed.
    if (this.state !== 'verifying') return; // closed meanwhile
    if (!auth) return this.close(CloseCode.UNAUTHORIZED, 'invalid or expired token');
    if (this.hub.connectionsOf(auth.user.id) >= this.o.maxConnectionsPerUser) {
      return this.close(CloseCode.TOO_MANY_CONNECTIONS, 'too many connections for this user');
    }
    this.userId = auth.user.id;
    this.family = auth.family;
    this.expiresAtMs = auth.expiresAtMs;
    this.armExpiry();
    this.hub.add(this);
    this.hub.presence.setMode(auth.user.id, auth.me.presenceMode ?? 'auto');
    const { sync, deps } = this.services;
    const head = deps.queue.head;
    const resume = frame.resumeAfter;
    const snapshotRequired = resume !== undefined && sync.needsSnapshot(resume);
    const replaying = resume !== undefined && !snapshotRequired && resume < head;
    const me: Me = { ...auth.me, online: true };
    this.sendText(readyFrame({
      type: 'ready',
      protocol: PROTOCOL_VERSION,
      serverVersion: this.o.serverVersion,
      user: me,
      head,
      snapshotRequired,
      replaying,
    }));
    if (replaying) {
      this.state = 'replaying';
      this.accounted = resume;
      void this.replayStep();
    } else {
      this.goLive(head);
    }
    const held = this.held;
    this.held = [];
    for (const f of held) if ((this.state as State) !== 'closed') this.handle(f);
  }

  private goLive(accounted: number): void {
    this.state = 'live';
    this.accounted = accounted;
    this.hub.goLive(this);
  }

  /** Send one replay page; go live in this same tick if it reached head, else yield and continue. */
  private replayStep = async (): Promise<void> => {
    if (this.state !== 'replaying') return;
    // A client that does not read pauses its own replay instead of filling server memory.
    if (this.conn.bufferedAmount > this.o.replayHighWater) {
      setTimeout(() => void this.replayStep(), 5).unref();
      return;
    }
    let page: SyncPage;
    try {
      page = await this.services.sync.scan(this.userId!, this.accounted, LIMITS.syncPageSize);
    } catch (error) {
      this.services.deps.log({ level: 'error', msg: 'replay failed', error: describe(error) });
      return this.close(CloseCode.GOING_AWAY, 'server busy; reconnect');
    }
    if (this.state !== 'replaying') return; // closed while the page was read
    // The sync page serialisation, as a replay frame.
    this.conn.send(replayFrame(syncPageJson(page)));
    if (this.state !== 'replaying') return; // the send may have closed us (buffer cap)
    this.accounted = page.through;
    // Live only if nothing was published after the page was read (an engine over the network lets commits
    // land meanwhile); otherwise one more page first, so the stream has no gap.
    if (page.more || page.through < this.services.deps.queue.head) setImmediate(() => void this.replayStep());
    else this.goLive(page.through);
  };

  private async request(id: string, type: RequestType, params: ParsedParams<RequestType>): Promise<void> {
    const read = this.dispatcher.isRead(type);
    if (this.inFlight >= MAX_REQUESTS_IN_FLIGHT || (read && this.readsInFlight >= MAX_READS_IN_FLIGHT)) {
      return this.reply(id, { code: 'RATE_LIMITED', message: 'too many requests at once; wait for the replies' });
    }
    this.inFlight++;
    if (read) this.readsInFlight++;
    try {
      // Counted until the reply is sent: even a read answered at once holds its slot until a later microtask,
      // so the frames of one burst cannot all be computed in the same tick.
      await this.answer(id, type, params);
    } finally {
      this.inFlight--;
      if (read) this.readsInFlight--;
    }
  }

  private async answer(id: string, type: RequestType, params: ParsedParams<RequestType>): Promise<void> {
    try {
      const result = await this.dispatcher.dispatch({ userId: this.userId!, family: this.family, connection: this }, type, params);
      if (type === 'message.send') this.o.typing.sent(this.userId!, (params as ParsedParams<'message.send'>).roomId);
      if (this.state === 'closed') return;
      this.conn.send(replyOkFrame(id, result));
    } catch (error) {
      if (error instanceof ProtocolError) return this.reply(id, error.toBody());
      this.services.deps.log({ level: 'error', msg: 'request failed', type, error: describe(error) });
      this.reply(id, { code: 'INTERNAL', message: 'internal error' });
    }
  }

  private reply(replyTo: string | null, error: ErrorBody): void {
    this.sendText(replyErrorFrame(replyTo, error));
  }

  private sendText(frame: string): void {
    if (this.state === 'closed') return;
    this.conn.send(frame);
  }

  private clearAuthTimer(): void {
    if (this.authTimer) clearTimeout(this.authTimer);
    this.authTimer = null;
  }
}
