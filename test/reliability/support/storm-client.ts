import type { Session } from './accounts.js';
import { RawClient, type Frame } from './ws-client.js';

/*
 * A writer that keeps a window of `message.send` requests in flight and keeps its own books: what the server
 * acknowledged, what is still unacknowledged (to be resent with the same nonce after a reconnect), and the
 * room as it saw it through replay and live events. It checks the order accounting as frames arrive.
 */

export interface SentMessage {
  nonce: string;
  text: string;
  ack: { order: number; messageId: string } | null;
}

export class StormClient {
  readonly sent = new Map<string, SentMessage>();
  /** order → message id of every message.created in the room this client received. */
  readonly view = new Map<number, string>();
  /** Everything that contradicts the protocol's promises, as readable lines. */
  readonly problems: string[] = [];
  /** The order this client has been accounted up to (resume point). */
  lastOrder = 0;
  live = false;
  errors = new Map<string, number>();
  private client: RawClient | null = null;
  private sending = false;
  private inFlight = 0;
  private counter = 0;

  constructor(
    readonly session: Session,
    readonly roomId: string,
    readonly window = 4,
    readonly textPad = '',
  ) {}

  get unacked(): SentMessage[] {
    return [...this.sent.values()].filter((m) => !m.ack);
  }

  get connected(): boolean {
    return this.client?.open ?? false;
  }

  /** Connect and resume after `lastOrder`; resolves once the replay is done and the socket is live. */
  async connect(wsUrl: string, timeoutMs = 15_000): Promise<void> {
    this.live = false;
    const c = await RawClient.open(wsUrl, { timeoutMs });
    this.client = c;
    c.keepFrames = false;
    let resolveLive: () => void = () => {};
    const liveP = new Promise<void>((r) => (resolveLive = r));
    c.onFrame = (f) => {
      if (this.onFrame(f)) resolveLive();
    };
    void c.closed.then(() => {
      this.live = false;
      this.sending = false;
      resolveLive();
    });
    c.send({ type: 'auth', token: this.session.accessToken, resumeAfter: this.lastOrder });
    const timer = setTimeout(() => c.close(), timeoutMs);
    await liveP;
    clearTimeout(timer);
    if (!this.live) throw new Error(`${this.session.username}: closed before going live (${JSON.stringify(c.closeInfo)})`);
  }

  /** Returns true when the connection has just become live. */
  private onFrame(f: Frame): boolean {
    switch (f.type) {
      case 'ready': {
        if (f.snapshotRequired) this.problems.push(`${this.session.username}: unexpected snapshotRequired`);
        if (!f.replaying) {
          this.live = true;
          return true;
        }
        return false;
      }
      case 'replay': {
        const events = f.events as Frame[];
        for (const e of events) this.apply(e, 'replay');
        const through = f.through as number;
        if (through < this.lastOrder) this.problems.push(`replay through ${through} < accounted ${this.lastOrder}`);
        this.lastOrder = Math.max(this.lastOrder, through);
        if (f.more === false) {
          this.live = true;
          return true;
        }
        return false;
      }
      case 'event': {
        const prev = f.prev as number;
        if (prev !== this.lastOrder) {
          this.problems.push(`${this.session.username}: live event prev ${prev} but accounted up to ${this.lastOrder}`);
        }
        this.apply(f.event as Frame, 'live');
        return false;
      }
      default:
        return false;
    }
  }

  private apply(e: Frame, how: string): void {
    const order = e.order as number;
    if (order <= this.lastOrder) {
      this.problems.push(`${this.session.username}: ${how} event ${order} at or before accounted ${this.lastOrder}`);
      return;
    }
    this.lastOrder = order;
    if (e.type === 'message.created' && e.roomId === this.roomId) {
      const m = (e.data as { message: { id: string } }).message;
      this.view.set(order, m.id);
    }
  }

  /** Start sending: unacknowledged messages first (same nonce, same text), then new ones while `more`. */
  startSending(more: boolean): void {
    this.sending = true;
    const queue = this.unacked;
    const next = (): SentMessage | null => {
      const old = queue.shift();
      if (old) return old;
      if (!more) return null;
      const n = ++this.counter;
      const m: SentMessage = {
        nonce: `${this.session.username}-${n}`,
        text: `${this.session.username} says ${n}${this.textPad}`,
        ack: null,
      };
      this.sent.set(m.nonce, m);
      return m;
    };
    const pump = () => {
      while (this.sending && this.inFlight < this.window && this.client?.open) {
        const m = next();
        if (!m) return;
        this.inFlight++;
        this.client
          .request('message.send', { roomId: this.roomId, text: m.text, nonce: m.nonce }, 30_000)
          .then(
            (r) => {
              if (r.ok) {
                const msg = (r.result as { message: { id: string; order: number; nonce?: string } }).message;
                if (m.ack && (m.ack.messageId !== msg.id || m.ack.order !== msg.order)) {
                  this.problems.push(`${m.nonce} acknowledged twice differently: ${JSON.stringify(m.ack)} vs ${msg.id}@${msg.order}`);
                }
                m.ack = { order: msg.order, messageId: msg.id };
              } else {
                const code = r.error?.code ?? '?';
                this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
                // Not stored: it stays unacknowledged and is resent with the same nonce later.
                if (code !== 'RATE_LIMITED' && code !== 'UNAVAILABLE') {
                  this.problems.push(`${m.nonce}: unexpected error ${JSON.stringify(r.error)}`);
                }
                queue.push(m);
              }
            },
            () => {
              /* socket closed (server killed): stays unacknowledged */
            },
          )
          .finally(() => {
            this.inFlight--;
            setImmediate(pump);
          });
      }
    };
    pump();
  }

  stopSending(): void {
    this.sending = false;
  }

  get idle(): boolean {
    return this.inFlight === 0;
  }

  close(): void {
    this.sending = false;
    this.client?.close();
  }

  waitClosed(): Promise<unknown> {
    return this.client ? this.client.closed : Promise.resolve();
  }
}
