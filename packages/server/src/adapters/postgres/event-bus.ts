import pg from 'pg';
import type { EventBus, EventListener } from '../../ports/event-bus.js';
import type { StoredEvent } from '../../ports/storage.js';
import { EVENTS_CHANNEL } from './storage.js';

export interface PgBusOptions {
  /** The safety-net poll, in ms (1–2 s: a NOTIFY sent while our LISTEN connection was away is not replayed). */
  pollMs?: number;
  /** First reconnect delay after the LISTEN connection drops; doubles up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  log?: (line: Record<string, unknown>) => void;
}

/**
 * The event bus of one node on a PostgreSQL database shared with other nodes. Committed events are delivered
 * in-process by `publish`; events other nodes committed are announced by their batch's NOTIFY (payload: the
 * new head) on a dedicated LISTEN connection, and the `watchForeign` checks then read them from the log. The
 * poll catches what a NOTIFY could not (our connection was down, or is being re-established): a check is one
 * head lookup when nothing is new. The LISTEN connection re-opens by itself with backoff.
 */
export class PostgresEventBus implements EventBus {
  private readonly listeners: EventListener[] = [];
  private readonly checks: Array<() => void> = [];
  private readonly poll: NodeJS.Timeout;
  private client: pg.Client | null = null;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;
  private backoff: number;
  /** Resolves once the LISTEN connection is up (again); tests wait on it. */
  private listening!: Promise<void>;
  private markListening!: () => void;
  /** How many notifications arrived (for tests and stats). */
  notifications = 0;
  /** How many times the LISTEN connection was (re)established. */
  connects = 0;

  constructor(
    private readonly url: string,
    private readonly opts: PgBusOptions = {},
  ) {
    this.backoff = opts.backoffMs ?? 100;
    this.resetListening();
    this.poll = setInterval(() => this.wake(), opts.pollMs ?? 1500);
    this.poll.unref();
    void this.connect();
  }

  publish(events: readonly StoredEvent[]): void {
    for (const l of this.listeners) l(events);
  }

  subscribe(listener: EventListener): void {
    this.listeners.push(listener);
  }

  watchForeign(check: () => void): void {
    this.checks.push(check);
  }

  /** Resolves when the LISTEN connection is established. */
  ready(): Promise<void> {
    return this.listening;
  }

  /** The backend PID of the LISTEN connection (tests cut it with pg_terminate_backend). */
  get listenerPid(): number | null {
    return (this.client as unknown as { processID?: number } | null)?.processID ?? null;
  }

  private wake(): void {
    for (const c of this.checks) c();
  }

  private resetListening(): void {
    this.listening = new Promise((resolve) => {
      this.markListening = resolve;
    });
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.url, application_name: 'od-server listen' });
    this.client = client;
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      if (this.client === client) this.client = null;
      client.removeAllListeners('notification');
      void client.end().catch(() => {});
      if (this.closed) return;
      this.opts.log?.({ level: 'warn', msg: 'LISTEN connection lost; reconnecting', error: error instanceof Error ? error.message : String(error) });
      this.resetListeningIfUp();
      this.retry = setTimeout(() => {
        this.retry = null;
        void this.connect();
      }, this.backoff);
      this.retry.unref();
      this.backoff = Math.min(this.backoff * 2, this.opts.maxBackoffMs ?? 5000);
    };
    client.on('error', fail);
    client.on('end', () => fail(new Error('connection ended')));
    client.on('notification', (n) => {
      if (n.channel !== EVENTS_CHANNEL) return;
      this.notifications++;
      this.wake();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    } catch (error) {
      fail(error);
      return;
    }
    if (failed) return;
    this.connects++;
    this.backoff = this.opts.backoffMs ?? 100;
    this.up = true;
    this.markListening();
    // Whatever was committed while we were not listening: look now rather than at the next poll.
    this.wake();
  }

  private up = false;
  /** A new `ready()` promise only if the last one was resolved: waiters on a pending one wait for the next up. */
  private resetListeningIfUp(): void {
    if (!this.up) return;
    this.up = false;
    this.resetListening();
  }

  close(): void {
    this.closed = true;
    clearInterval(this.poll);
    if (this.retry) clearTimeout(this.retry);
    const c = this.client;
    this.client = null;
    if (c) {
      c.removeAllListeners();
      c.on('error', () => {});
      void c.end().catch(() => {});
    }
  }
}
