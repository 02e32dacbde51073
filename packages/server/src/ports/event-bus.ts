import type { StoredEvent } from './storage.js';

export type EventListener = (events: readonly StoredEvent[]) => void;

/*
 * THE EVENT-BUS PORT: how committed events reach every process that serves clients. The contract
 * (docs/architecture.md): the commit queue publishes each batch's events after COMMIT and before the
 * replies, in order; events committed by another process are found by reading the log (`watchForeign`
 * says when to look) and published by the commit queue the same way, before any later events of its own.
 * A listener therefore sees every committed event exactly once, in order order.
 *
 * Today: in-process delivery plus a poll for rows the operator's command line wrote (adapters/sqlite).
 * Later, with several nodes: NOTIFY carrying the new head, plus the same poll as a safety net.
 */
export interface EventBus {
  /** Deliver committed events, in order, to this process's listeners; returns once they have run. */
  publish(events: readonly StoredEvent[]): void;
  subscribe(listener: EventListener): void;
  /** Call `check` whenever events committed by another process may be waiting in the log. */
  watchForeign(check: () => void): void;
  close(): void;
}
