import type { ParsedParams, RequestType } from '@open-discord/protocol';
import { ProtocolError } from '@open-discord/protocol';
import type { RateLimiter } from '../core/rate-limit.js';
import { type WriteKind, writeKindOf, type WriteLimits } from '../core/write-limits.js';
import type { RawJson } from '../wire/encode.js';
import type { ResultOf } from '../wire/types.js';

/**
 * What a read costs from the user's read bucket, by how much of the log or database it may walk: a sync
 * page scans up to 1000 events and `state` every room and user; a history page up to 200 messages.
 * Every other read costs 1.
 */
export const READ_COST: Partial<Record<RequestType, number>> = { sync: 20, state: 20, history: 5, search: 5, 'history.around': 5 };

/** Who is asking. */
export interface RequestContext {
  userId: string;
  /** The session family of the socket's token (the current session in a session list); null when unknown. */
  family?: string | null;
  /**
   * The app password the connection logged in with (the IRC gateway's, from verifyGatewayLogin); the gateway
   * closes the connection when `accountSecurity.appPasswords.onRevoked` names it. Absent for WebSocket clients.
   */
  appPasswordId?: string | null;
  /** The connection that sent it (opaque here): voice binds the connection that joined, not the user. */
  connection?: object;
}

/** What a handler answers: the protocol's result for its request type, as a value or already serialised. */
export type Reply<T extends RequestType> = ResultOf<T> | RawJson<ResultOf<T>>;

export type Handler<T extends RequestType> = (ctx: RequestContext, params: ParsedParams<T>) => Reply<T> | Promise<Reply<T>>;

interface Entry {
  handler: (ctx: RequestContext, params: never) => unknown;
  /** Writes spend a token from the user's bucket for their kind (core/write-limits.ts); null: a read. */
  write: WriteKind | null;
}

/**
 * The map from request type to handler. Each feature module registers its own (features/<name>/handlers.ts);
 * a type with no handler gets a clear BAD_REQUEST instead of silence.
 */
export class Dispatcher {
  private readonly handlers = new Map<RequestType, Entry>();

  constructor(
    /** Per-user buckets, one per kind of write; null = unlimited. */
    private readonly writeLimits: WriteLimits | null,
    /** Per-user bucket for reads, spent by READ_COST; null = unlimited. */
    private readonly readLimiter: RateLimiter | null = null,
  ) {}

  /**
   * Asked before every request runs (after its rate limit): throws to refuse it. The composition root sets it
   * (a role that requires two-factor login refuses its holders' writes until they turn it on).
   */
  gate: (ctx: RequestContext, type: RequestType, write: boolean) => void | Promise<void> = () => {};

  /**
   * Runs each write's handler (`run`). The composition root wraps privileged requests here so their audit entry
   * is written in the same step as their change (one table of them for every feature: features/audit/audited.ts).
   */
  aroundWrite: <R>(ctx: RequestContext, type: RequestType, params: ParsedParams<RequestType>, run: () => Promise<R>) => Promise<R> = (_c, _t, _p, run) => run();

  register<T extends RequestType>(type: T, handler: Handler<T>, opts: { write: boolean }): void {
    this.handlers.set(type, { handler, write: opts.write ? writeKindOf(type) : null });
  }

  has(type: RequestType): boolean {
    return this.handlers.has(type);
  }

  /** Is this a read (no write bucket, no commit)? Unknown types count as reads: they do no work. */
  isRead(type: RequestType): boolean {
    return !this.handlers.get(type)?.write;
  }

  async dispatch(ctx: RequestContext, type: RequestType, params: ParsedParams<RequestType>): Promise<unknown> {
    const entry = this.handlers.get(type);
    if (!entry) throw new ProtocolError('BAD_REQUEST', `${type} is not available on this server yet`);
    if (entry.write) this.writeLimits?.spend(ctx.userId, entry.write);
    else if (this.readLimiter) {
      // Reads are not free either: a burst of `sync {after: 0}` would block the event loop for everyone.
      const wait = this.readLimiter.take(ctx.userId, READ_COST[type] ?? 1);
      if (wait > 0) throw new ProtocolError('RATE_LIMITED', 'too many reads; slow down', wait);
    }
    await this.gate(ctx, type, entry.write !== null);
    if (entry.write === null) return await entry.handler(ctx, params as never);
    return await this.aroundWrite(ctx, type, params, async () => await entry.handler(ctx, params as never));
  }
}
