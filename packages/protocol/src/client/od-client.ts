import type { ClientEvent, ServerFrame } from '../decode.js';
import { describeIssues } from '../decode.js';
import { CloseCode, FATAL_CLOSE_CODES, ProtocolError } from '../errors.js';
import type { ReadyFrame } from '../frames.js';
import type { Me } from '../model.js';
import { REQUESTS, type RequestParams, type RequestResult, type RequestType, type StateResult } from '../requests.js';
import { PROTOCOL_VERSION } from '../version.js';
import { isSessionExpired } from './auth-session.js';
import { backoffDelay } from './backoff.js';
import { Connection, wsUrl, type SequencedFrame } from './connection.js';
import { TypedEmitter } from './emitter.js';
import { nodeWebSocket } from './node-socket.js';
import { RequestTable, type PendingRequest } from './request-table.js';
import { applyPage, decideLive } from './sequencer.js';
import type { ConnectionStatus, OdClientEvents, OdClientOptions, SnapshotReason } from './types.js';
import { encodeVoiceFrame } from '../voice/frame.js';
import { VoiceLink, type VoiceJoin } from './voice-link.js';

/**
 * Voice frames are not sent while more than this waits in the socket: 20 ms of audio queued behind a backlog
 * arrives late, so it is dropped (the listener's jitter buffer conceals it) rather than queued.
 */
export const VOICE_MAX_BUFFERED = 16 * 1024;

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
export const DEFAULT_IDLE_TIMEOUT_MS = 75_000;
/** Sync pages pulled for one gap before the client gives up and reconnects (a server bug guard). */
const MAX_SYNC_PAGES = 100_000;

export interface RequestOptions {
  timeoutMs?: number;
  /**
   * `message.send` only: while the client is not live, wait for the connection without a deadline (a chat
   * client's message typed while offline) and send it, same nonce, once live; the timeout then runs only
   * while the request is on the wire. Without it (the default, what bots get) a request made while offline
   * fails with TIMEOUT after `timeoutMs`. `close()` still fails it with UNAVAILABLE.
   */
  queue?: boolean;
}

/**
 * The typed client: connect, authenticate, request/reply, and an event stream in which every visible event
 * appears exactly once and in order across reconnects, resumes and gaps (see docs/protocol.md).
 */
export class OdClient extends TypedEmitter<OdClientEvents> {
  /** The token source given in the options (bots use it to log out). */
  readonly tokens: OdClientOptions['tokens'];
  private _status: ConnectionStatus = { state: 'connecting', attempt: 0 };
  private _lastOrder: number | undefined;
  private _me: Me | null = null;
  private conn: Connection | null = null;
  private attempt = 0;
  private forceRefresh = false;
  private started = false;
  private stopped = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private unwatchNetwork: (() => void) | null = null;
  private readonly requests = new RequestTable();
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly timeoutMs: number;

  constructor(private readonly opts: OdClientOptions) {
    super((error) => this.warn(`a listener threw: ${error instanceof Error ? error.message : String(error)}`));
    this.tokens = opts.tokens;
    this._lastOrder = opts.lastOrder;
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    this.timeoutMs = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    wsUrl(opts.url); // throws now on a malformed URL instead of failing inside the reconnect loop
  }

  get status(): ConnectionStatus {
    return this._status;
  }

  /** Every order up to here has been delivered through `event` or is redacted for this user. Persist it to resume later. */
  get lastOrder(): number | undefined {
    return this._lastOrder;
  }

  /** The authenticated user, once the first `ready` arrived. */
  get me(): Me | null {
    return this._me;
  }

  /** Start connecting (once). Resolves when the client is live; rejects if it closes for good first. */
  connect(): Promise<void> {
    if (this.stopped) return Promise.reject(new ProtocolError('UNAVAILABLE', `client is closed: ${this.closedReason()}`));
    const settled = new Promise<void>((resolve, reject) => {
      if (this._status.state === 'live') return resolve();
      const onStatus = (s: ConnectionStatus) => {
        if (s.state === 'live') {
          this.off('status', onStatus);
          resolve();
        } else if (s.state === 'closed') {
          this.off('status', onStatus);
          reject(new ProtocolError('UNAVAILABLE', `client closed: ${s.reason}`));
        }
      };
      this.on('status', onStatus);
    });
    if (!this.started) {
      this.started = true;
      this.watchNetwork();
      void this.open();
    }
    return settled;
  }

  /** Close for good: pending requests fail with UNAVAILABLE, no reconnect. The status says code NORMAL. */
  close(reason = 'closed by client'): void {
    this.stop(reason, CloseCode.NORMAL);
  }

  /** Close for good, saying why by `code` (see the `closed` ConnectionStatus). */
  private stop(reason: string, code: number): void {
    if (this.stopped) return;
    this.stopped = true;
    this.unwatchNetwork?.();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const conn = this.conn;
    this.conn = null;
    this.voiceEnded('closed');
    conn?.end();
    this.requests.rejectAll(new ProtocolError('UNAVAILABLE', `client closed: ${reason}`));
    this.setStatus({ state: 'closed', reason, code });
  }

  /**
   * Send a typed request. Params are checked locally first (BAD_REQUEST without a round trip). While not
   * live it waits for the connection, up to its timeout. The result is validated against the protocol.
   */
  request<T extends RequestType>(type: T, params: RequestParams<T>, opts: RequestOptions = {}): Promise<RequestResult<T>> {
    if (this.stopped) return Promise.reject(new ProtocolError('UNAVAILABLE', `client is closed: ${this.closedReason()}`));
    if (!Object.hasOwn(REQUESTS, type)) return Promise.reject(new ProtocolError('BAD_REQUEST', `unknown request type "${String(type)}"`));
    const parsed = REQUESTS[type].params.safeParse(params);
    if (!parsed.success) return Promise.reject(new ProtocolError('BAD_REQUEST', `${type}: ${describeIssues(parsed.error)}`));
    const { entry, promise } = this.requests.add(type, parsed.data as Record<string, unknown>, opts.timeoutMs ?? this.timeoutMs, false, opts.queue ?? false);
    if (this.conn?.canSend) this.send(this.conn, entry);
    return promise as Promise<RequestResult<T>>;
  }

  /**
   * Reconnect now instead of waiting out the backoff (a person pressed "retry now", or the runtime says the
   * network is back). Does nothing unless the client is offline and waiting to retry.
   */
  retryNow(): void {
    if (this.stopped || !this.retryTimer) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.attempt = 0;
    void this.open();
  }

  /**
   * Where the runtime says when the network comes back (browsers, Deno: the global `online` event), reconnect
   * at once. Node has no such event: there the backoff's low cap and `retryNow()` do the job.
   */
  private watchNetwork(): void {
    const g = globalThis as { addEventListener?: (t: string, f: () => void) => void; removeEventListener?: (t: string, f: () => void) => void };
    if (typeof g.addEventListener !== 'function') return;
    const onOnline = () => this.retryNow();
    g.addEventListener('online', onOnline);
    this.unwatchNetwork = () => g.removeEventListener?.('online', onOnline);
  }

  /**
   * Whether the person at this client is idle (no key pressed for a while): the server shows them away while
   * every connection of theirs is idle. Remembered and sent again on every (re)connection.
   */
  setIdle(idle: boolean): void {
    if (this.idle === idle) return;
    this.idle = idle;
    if (this.conn?.canSend) this.conn.send({ type: 'idle', idle });
  }
  private idle = false;

  /** Ephemeral "typing" signal; dropped when not live (it would be stale by the time we reconnect). */
  sendTyping(roomId: string): void {
    if (this.conn?.canSend) this.conn.send({ type: 'typing', roomId });
  }

  /* ---------- voice ---------- */

  private readonly voiceLink = new VoiceLink();

  /** The voice room this connection is in, with its slot and the participants known. */
  get voice(): VoiceJoin | null {
    return this.voiceLink.current;
  }

  /**
   * Join a voice room with this connection (leaving any other). Audio frames may be sent once it resolves;
   * others' audio arrives as `voice` events. A reconnect ends voice (`voiceEnded`): join again when live.
   */
  async voiceJoin(roomId: string, opts: { muted?: boolean; deafened?: boolean } = {}): Promise<VoiceJoin> {
    const r = await this.request('voice.join', { roomId, ...opts });
    this.voiceLink.join(roomId, r.slot, r.participants);
    return this.voiceLink.current!;
  }

  async voiceLeave(): Promise<void> {
    const was = this.voiceLink.current !== null;
    this.voiceLink.clear();
    await this.request('voice.leave', {});
    if (was) this.emit('voiceEnded', 'left');
  }

  voiceSet(state: { muted?: boolean; deafened?: boolean }): Promise<{ ok: true }> {
    return this.request('voice.set', state);
  }

  /**
   * Send one Opus packet to the voice room (seq and timestamp are the sender's: consecutive per frame, and
   * its capture clock in ms). Dropped (false) when not in voice, not connected, or when the socket has a
   * backlog: late audio is worth nothing.
   */
  sendVoice(frame: { seq: number; timestamp: number; payload: Uint8Array; end?: boolean }): boolean {
    if (!this.voiceLink.current || !this.conn?.canSend) return false;
    return this.conn.sendBinary(encodeVoiceFrame({ slot: 0, seq: frame.seq, timestamp: frame.timestamp, end: frame.end ?? false, payload: frame.payload }), VOICE_MAX_BUFFERED);
  }

  private voiceEnded(reason: string): void {
    if (!this.voiceLink.current) return;
    this.voiceLink.clear();
    this.emit('voiceEnded', reason);
  }

  /* ---------- connection lifecycle ---------- */

  private async open(): Promise<void> {
    this.retryTimer = null;
    if (this.stopped) return;
    this.setStatus({ state: 'connecting', attempt: this.attempt });
    let token: string;
    try {
      token = await this.opts.tokens.getAccessToken(this.forceRefresh);
      this.forceRefresh = false;
    } catch (error) {
      if (isSessionExpired(error)) return this.stop('session expired: log in again', CloseCode.UNAUTHORIZED);
      const why = error instanceof Error ? error.message : String(error);
      this.warn(`token refresh failed, will retry: ${why}`);
      return this.scheduleReconnect(`token refresh failed: ${why}`);
    }
    if (this.stopped) return;

    // Only ws reports the server's pings; an injected socket gets the idle check only when asked for.
    const idleTimeoutMs = this.opts.idleTimeoutMs ?? (this.opts.webSocket ? 0 : DEFAULT_IDLE_TIMEOUT_MS);
    this.conn = new Connection(
      this.opts.url,
      {
        handshakeTimeoutMs: this.timeoutMs,
        idleTimeoutMs,
        onIdle: (conn) => this.restart(conn, `nothing from the server for ${idleTimeoutMs} ms`),
        createSocket: this.opts.webSocket ?? nodeWebSocket,
      },
      {
        onOpen: (conn) => {
          this.setStatus({ state: 'authenticating' });
          conn.send({ type: 'auth', token, protocol: PROTOCOL_VERSION, ...(this._lastOrder !== undefined && { resumeAfter: this._lastOrder }) });
          conn.expectReadyWithin(this.timeoutMs, () => this.restart(conn, 'no ready frame from the server'));
        },
        onFrame: (conn, frame) => this.onFrame(conn, frame),
        onMalformed: (_conn, message) => this.warn(`ignored a malformed frame: ${message}`),
        onBinary: (_conn, bytes) => {
          const audio = this.voiceLink.audio(bytes);
          if (audio) this.emit('voice', audio);
        },
        onClose: (conn, code, reason) => this.onClose(conn, code, reason),
      },
    );
  }

  private onFrame(conn: Connection, frame: ServerFrame): void {
    switch (frame.type) {
      case 'reply':
        if (!this.requests.settle(frame.frame) && !frame.frame.ok) {
          this.warn(`server error for ${frame.frame.replyTo ?? 'an unreadable frame'}: ${frame.frame.error.message}`);
        }
        return;
      case 'typing':
        return this.emit('typing', frame.frame);
      case 'presence':
        return this.emit('presence', frame.frame);
      case 'presence.all':
        return this.emit('presenceAll', frame.frame);
      case 'voice.speaking':
        return this.emit('voiceSpeaking', frame.frame);
      default:
        conn.inbox.push(frame);
        void this.pump(conn);
    }
  }

  /** Handles ordered frames strictly one after another, even when handling one needs a round trip. */
  private async pump(conn: Connection): Promise<void> {
    if (conn.pumping) return;
    conn.pumping = true;
    try {
      while (!conn.dead && conn.inbox.length > 0) await this.handle(conn, conn.inbox.shift()!);
    } catch (error) {
      // A failed state/sync leaves the stream in an unknown place: start over and resume from lastOrder.
      if (!conn.dead) this.restart(conn, `resync failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      conn.pumping = false;
    }
  }

  private async handle(conn: Connection, frame: SequencedFrame): Promise<void> {
    switch (frame.type) {
      case 'ready':
        return this.onReady(conn, frame.frame);
      case 'replay': {
        const through = await this.deliverPage(conn, frame);
        if (through === null) return;
        if (frame.more) this.setStatus({ state: 'resyncing', through, head: Math.max(conn.head, through) });
        else this.goLive(conn);
        return;
      }
      case 'event': {
        let decision = decideLive(this._lastOrder ?? 0, frame);
        if (decision.kind === 'gap') {
          await this.syncGap(conn, frame.prev);
          decision = decideLive(this._lastOrder ?? 0, frame);
          if (decision.kind === 'gap') throw new Error(`sync ended at ${this._lastOrder} before ${frame.prev}`);
        }
        if (decision.kind === 'apply') await this.deliver(conn, frame.event);
        return;
      }
    }
  }

  private async onReady(conn: Connection, ready: ReadyFrame): Promise<void> {
    conn.readyArrived();
    conn.head = ready.head;
    this._me = ready.user;
    this.emit('ready', ready);
    let reason: SnapshotReason | null = this._lastOrder === undefined ? 'initial' : ready.snapshotRequired ? 'gap-too-large' : null;
    if (this._lastOrder !== undefined && ready.head < this._lastOrder) {
      // The server's log is behind us (restored from a backup): orders we saw will be reused for new
      // events, which would otherwise be skipped as duplicates. Start over from a snapshot.
      this.warn(`the server's log ends at ${ready.head}, before this client's ${this._lastOrder}: reloading state`);
      this._lastOrder = undefined;
      reason = 'gap-too-large';
    }
    if (reason) {
      this.setStatus({ state: 'resyncing', through: this._lastOrder ?? 0, head: ready.head });
      await this.loadSnapshot(conn, reason);
    }
    if (ready.replaying && !ready.snapshotRequired) {
      this.setStatus({ state: 'resyncing', through: this._lastOrder ?? 0, head: ready.head });
    } else {
      this.goLive(conn);
    }
  }

  /** Pull `sync` pages from lastOrder until `more: false`; live frames wait in the inbox meanwhile. */
  private async syncGap(conn: Connection, prev: number): Promise<void> {
    const head = Math.max(conn.head, prev);
    for (let pages = 0; pages < MAX_SYNC_PAGES; pages++) {
      const after = this._lastOrder ?? 0;
      this.setStatus({ state: 'resyncing', through: after, head });
      const page = (await this.internal(conn, 'sync', { after })) as RequestResult<'sync'>;
      if (page.snapshotRequired) {
        await this.loadSnapshot(conn, 'gap-too-large');
        break;
      }
      const through = await this.deliverPage(conn, page);
      if (through === null) return;
      if (!page.more) break;
      if (through <= after) throw new Error('sync made no progress');
    }
    if (conn.canSend) this.setStatus({ state: 'live' });
  }

  /**
   * Deliver a replay or sync page, then account up to its `through`; returns the new lastOrder. Stops (null)
   * if the connection was dropped meanwhile: lastOrder then covers only what was delivered, and the resume
   * picks up from there.
   */
  private async deliverPage(conn: Connection, page: { events: ClientEvent[]; through: number }): Promise<number | null> {
    const r = applyPage(this._lastOrder ?? 0, page);
    const events = r.apply;
    // Events emitted so far, and how many of them `events` listeners have had (a batch ends before a snapshot).
    let delivered = 0;
    let batched = 0;
    while (delivered < events.length && !conn.dead) {
      const e = events[delivered++]!;
      this.emitOne(e);
      if (this.mustReload(e)) {
        this.emitBatch(events, batched, delivered);
        batched = delivered;
        // Waits only for such a round trip: an await per event would cost a page of a thousand events a
        // thousand trips through the microtask queue.
        await this.loadSnapshot(conn, 'access-changed');
      }
    }
    this.emitBatch(events, batched, delivered);
    if (conn.dead) return null;
    this._lastOrder = Math.max(this._lastOrder ?? 0, r.lastOrder);
    return this._lastOrder;
  }

  private async loadSnapshot(conn: Connection, reason: SnapshotReason): Promise<void> {
    const state = (await this.internal(conn, 'state', {})) as StateResult;
    this._me = state.me;
    // After an access change the event stream stays complete (lastOrder is kept); otherwise the snapshot
    // stands in for everything up to its head and older live frames are skipped as duplicates.
    if (reason !== 'access-changed') this._lastOrder = Math.max(this._lastOrder ?? 0, state.head);
    // The voice room went out of sight (its voice.left, about a room now hidden, never reaches us).
    const voiceRoom = this.voiceLink.current?.roomId;
    if (voiceRoom !== undefined && !state.rooms.some((r) => r.id === voiceRoom)) this.voiceEnded('access');
    this.emit('snapshot', state, reason);
  }

  /** Deliver one live event. */
  private async deliver(conn: Connection, event: ClientEvent): Promise<void> {
    this.emitOne(event);
    if (this.listenerCount('events') > 0) this.emit('events', [event]);
    if (this.mustReload(event)) await this.loadSnapshot(conn, 'access-changed');
  }

  private emitOne(event: ClientEvent): void {
    this._lastOrder = Math.max(this._lastOrder ?? 0, event.order);
    if (this.voiceLink.event(event, this._me?.id)) this.emit('voiceEnded', event.type === 'voice.left' ? event.data.reason : 'moved');
    this.emit('event', event);
  }

  /** Hand `events[from, to)` (delivered one by one already) to the `events` listeners, if there are any. */
  private emitBatch(events: ClientEvent[], from: number, to: number): void {
    if (to <= from || this.listenerCount('events') === 0) return;
    this.emit('events', from === 0 && to === events.length ? events : events.slice(from, to));
  }

  /** My access changed: the rooms I see are reloaded with a snapshot. */
  private mustReload(event: ClientEvent): boolean {
    return event.type === 'access.changed' && event.data.userId === this._me?.id;
  }

  private goLive(conn: Connection): void {
    conn.canSend = true;
    this.attempt = 0;
    // A new connection starts active on the server: say so if the person is still away from the keys.
    if (this.idle) conn.send({ type: 'idle', idle: true });
    this.setStatus({ state: 'live' });
    for (const entry of this.requests.unsent()) this.send(conn, entry);
  }

  private internal(conn: Connection, type: RequestType, params: Record<string, unknown>): Promise<unknown> {
    const { entry, promise } = this.requests.add(type, params, this.timeoutMs, true);
    this.send(conn, entry);
    return promise;
  }

  private send(conn: Connection, entry: PendingRequest): void {
    if (conn.send({ ...entry.params, id: entry.id, type: entry.type })) this.requests.markSent(entry);
  }

  private onClose(conn: Connection, code: number, reason: string): void {
    const mine = this.conn === conn;
    conn.forget();
    if (!mine) return;
    this.conn = null;
    this.requests.disconnected();
    // The server ends this connection's voice when it closes (voice.left, `closed`).
    this.voiceEnded('closed');
    if (this.stopped) return;
    const why = reason ? `${reason} (${code})` : `connection closed (${code})`;
    if (FATAL_CLOSE_CODES.includes(code)) return this.stop(`closed by the server: ${why}`, code);
    if (code === CloseCode.UNAUTHORIZED) this.forceRefresh = true;
    this.scheduleReconnect(why);
  }

  /** Drop a connection on our side; its `close` event then schedules the reconnect and the resume. */
  private restart(conn: Connection, reason: string): void {
    this.warn(reason);
    conn.kill();
  }

  private scheduleReconnect(reason: string): void {
    const delay = backoffDelay(this.attempt, this.random, this.opts.backoff);
    this.attempt++;
    this.setStatus({ state: 'offline', retryAt: this.now() + delay, reason });
    this.retryTimer = setTimeout(() => void this.open(), delay);
  }

  private setStatus(status: ConnectionStatus): void {
    this._status = status;
    this.emit('status', status);
  }

  private closedReason(): string {
    return this._status.state === 'closed' ? this._status.reason : 'closed';
  }

  private warn(message: string): void {
    this.emit('warning', message);
  }
}
