import type { ParsedParams, RequestType } from '@open-discord/protocol';
import { ProtocolError } from '@open-discord/protocol';
import type { RateLimiter } from '../services/rate-limit.js';

/** Who is asking. */
export interface RequestContext {
  userId: string;
}

export type Handler<T extends RequestType> = (ctx: RequestContext, params: ParsedParams<T>) => unknown;

interface Entry {
  handler: Handler<RequestType>;
  /** Writes spend a token from the user's write bucket. */
  write: boolean;
}

/**
 * The map from request type to handler. Handlers are registered in handlers.ts (core requests) and by
 * feature modules; a type with no handler gets a clear BAD_REQUEST instead of silence.
 */
export class Dispatcher {
  private readonly handlers = new Map<RequestType, Entry>();

  constructor(private readonly writeLimiter: RateLimiter | null) {}

  register<T extends RequestType>(type: T, handler: Handler<T>, opts: { write: boolean }): void {
    this.handlers.set(type, { handler: handler as Handler<RequestType>, write: opts.write });
  }

  has(type: RequestType): boolean {
    return this.handlers.has(type);
  }

  async dispatch(ctx: RequestContext, type: RequestType, params: ParsedParams<RequestType>): Promise<unknown> {
    const entry = this.handlers.get(type);
    if (!entry) throw new ProtocolError('BAD_REQUEST', `${type} is not available on this server yet`);
    if (entry.write && this.writeLimiter) {
      const wait = this.writeLimiter.take(ctx.userId);
      if (wait > 0) throw new ProtocolError('RATE_LIMITED', 'too many writes; slow down', wait);
    }
    return entry.handler(ctx, params);
  }
}
