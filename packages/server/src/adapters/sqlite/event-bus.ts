import type { EventBus, EventListener } from '../../ports/event-bus.js';
import type { StoredEvent } from '../../ports/storage.js';

/**
 * The event bus of a single server process on a SQLite file: committed events are delivered in-process;
 * events another process (the operator's command line) appended to the same file are found by polling.
 * A poll is cheap: the check it triggers is one MAX(event_order) lookup on the primary key.
 */
export class SqliteEventBus implements EventBus {
  private readonly listeners: EventListener[] = [];
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(private readonly pollMs: number) {}

  publish(events: readonly StoredEvent[]): void {
    for (const l of this.listeners) l(events);
  }

  subscribe(listener: EventListener): void {
    this.listeners.push(listener);
  }

  watchForeign(check: () => void): void {
    const t = setInterval(check, this.pollMs);
    t.unref();
    this.timers.push(t);
  }

  close(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers.length = 0;
  }
}
