import type { z } from 'zod';
import { decodeSyncResult } from '../decode.js';
import { ProtocolError } from '../errors.js';
import type { ReplyFailure, ReplySuccess } from '../frames.js';
import { REQUESTS, type RequestType } from '../requests.js';

/**
 * Outstanding requests of one OdClient, across connections: correlation ids, timeouts, and what happens
 * to each request when a socket drops.
 */
export interface PendingRequest {
  id: string;
  type: RequestType;
  params: Record<string, unknown>;
  /** On the wire of the current connection (a reply may still come). */
  sent: boolean;
  /**
   * Issued by the client itself (state, sync) for one connection: sent at once, even before the connection
   * is live, and never carried over to another connection.
   */
  internal: boolean;
  /**
   * Waits for a connection without a deadline (a message typed while offline): its timeout runs only while
   * it is on the wire, so only a refusal, a silent server or `close()` fails it.
   */
  queued: boolean;
  timeoutMs: number;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout> | null;
}

/** A reply's result checked against its request type's schema; null if it does not match. */
function resultOf(type: RequestType, value: unknown): unknown {
  const r = (REQUESTS[type].result as z.ZodTypeAny).safeParse(value);
  return r.success ? (r.data as unknown) : null;
}

/** Requests that are safe to send again after a drop: the server dedupes them by their nonce. */
const RESENDABLE: ReadonlySet<RequestType> = new Set<RequestType>(['message.send']);

export class RequestTable {
  private seq = 0;
  private readonly entries = new Map<string, PendingRequest>();

  get size(): number {
    return this.entries.size;
  }

  add(
    type: RequestType,
    params: Record<string, unknown>,
    timeoutMs: number,
    internal: boolean,
    queued = false,
  ): { entry: PendingRequest; promise: Promise<unknown> } {
    let entry!: PendingRequest;
    const promise = new Promise<unknown>((resolve, reject) => {
      const id = `r${++this.seq}`;
      entry = { id, type, params, sent: false, internal, queued: queued && RESENDABLE.has(type), timeoutMs, resolve, reject, timer: null };
    });
    this.entries.set(entry.id, entry);
    if (!entry.queued) this.arm(entry);
    return { entry, promise };
  }

  /** The request went out on the current connection; a queued one starts its reply deadline now. */
  markSent(entry: PendingRequest): void {
    entry.sent = true;
    if (entry.queued) this.arm(entry);
  }

  private arm(entry: PendingRequest): void {
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = setTimeout(() => {
      this.entries.delete(entry.id);
      entry.reject(new ProtocolError('TIMEOUT', `${entry.type}: no reply within ${entry.timeoutMs} ms`));
    }, entry.timeoutMs);
    // A pending request must not keep a bot's process alive on its own.
    entry.timer.unref?.();
  }

  /** Non-internal requests not on the wire yet, oldest first (a Map iterates in insertion order). */
  unsent(): PendingRequest[] {
    return [...this.entries.values()].filter((e) => !e.sent && !e.internal);
  }

  /** Settle the request a reply answers. Returns false for a reply nobody waits for (late or unknown). */
  settle(reply: ReplySuccess | ReplyFailure): boolean {
    if (reply.replyTo === null) return false;
    const entry = this.entries.get(reply.replyTo);
    if (!entry || !entry.sent) return false;
    this.finish(entry);
    if (!reply.ok) {
      entry.reject(new ProtocolError(reply.error.code, reply.error.message, reply.error.retryAfterMs));
      return true;
    }
    const result = entry.type === 'sync' ? decodeSyncResult(reply.result) : resultOf(entry.type, reply.result);
    if (result !== null) entry.resolve(result);
    else entry.reject(new ProtocolError('INTERNAL', `${entry.type}: the server's reply does not match the protocol`));
    return true;
  }

  /**
   * The socket dropped. A `message.send` may or may not have been stored: send it again with the same nonce
   * and the server returns the original. Anything else that was on the wire fails with UNAVAILABLE — the
   * caller decides whether repeating it is safe. Requests never sent keep waiting for the next connection.
   */
  disconnected(): void {
    for (const entry of [...this.entries.values()]) {
      if (!entry.sent && !entry.internal) continue;
      if (!entry.internal && RESENDABLE.has(entry.type)) {
        entry.sent = false;
        // A queued send waits again without a deadline until the next connection takes it.
        if (entry.queued && entry.timer) clearTimeout(entry.timer);
        if (entry.queued) entry.timer = null;
        continue;
      }
      this.finish(entry);
      entry.reject(new ProtocolError('UNAVAILABLE', `${entry.type}: the connection dropped before the reply`));
    }
  }

  rejectAll(error: Error): void {
    for (const entry of [...this.entries.values()]) {
      this.finish(entry);
      entry.reject(error);
    }
  }

  private finish(entry: PendingRequest): void {
    if (entry.timer) clearTimeout(entry.timer);
    this.entries.delete(entry.id);
  }
}
