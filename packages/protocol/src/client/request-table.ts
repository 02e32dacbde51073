import type { z } from 'zod';
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
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** Requests that are safe to send again after a drop: the server dedupes them by their nonce. */
const RESENDABLE: ReadonlySet<RequestType> = new Set<RequestType>(['message.send']);

export class RequestTable {
  private seq = 0;
  private readonly entries = new Map<string, PendingRequest>();

  get size(): number {
    return this.entries.size;
  }

  add(type: RequestType, params: Record<string, unknown>, timeoutMs: number, internal: boolean): { entry: PendingRequest; promise: Promise<unknown> } {
    let entry!: PendingRequest;
    const promise = new Promise<unknown>((resolve, reject) => {
      const id = `r${++this.seq}`;
      const timer = setTimeout(() => {
        this.entries.delete(id);
        reject(new ProtocolError('TIMEOUT', `${type}: no reply within ${timeoutMs} ms`));
      }, timeoutMs);
      // A pending request must not keep a bot's process alive on its own.
      timer.unref?.();
      entry = { id, type, params, sent: false, internal, resolve, reject, timer };
    });
    this.entries.set(entry.id, entry);
    return { entry, promise };
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
    const schema = REQUESTS[entry.type].result as z.ZodTypeAny;
    const result = schema.safeParse(reply.result);
    if (result.success) entry.resolve(result.data);
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
    clearTimeout(entry.timer);
    this.entries.delete(entry.id);
  }
}
