import type { OdClientEvents, RequestParams, RequestResult, RequestType } from '@open-discord/protocol';
import type { ChatClient } from '../src/controllers/index.js';

export interface SentRequest {
  type: RequestType;
  params: unknown;
  resolve: (result: unknown) => void;
  reject: (error: unknown) => void;
  /** Asked to wait for the connection (a send typed while offline). */
  queued?: boolean;
}

/**
 * The client interface the glue uses, driven by hand: tests emit client events and settle requests when they
 * choose, so ordering and timing are explicit (no sockets; the real client is covered by its own tests and e2e).
 */
export class FakeClient implements ChatClient {
  readonly listeners = new Map<string, Array<(...args: unknown[]) => void>>();
  readonly requests: SentRequest[] = [];
  readonly typing: string[] = [];

  on<K extends keyof OdClientEvents>(name: K, listener: OdClientEvents[K]): this {
    const list = this.listeners.get(name) ?? [];
    list.push(listener as (...args: unknown[]) => void);
    this.listeners.set(name, list);
    return this;
  }

  emit<K extends keyof OdClientEvents>(name: K, ...args: Parameters<OdClientEvents[K]>): void {
    for (const l of this.listeners.get(name) ?? []) l(...args);
  }

  request<T extends RequestType>(type: T, params: RequestParams<T>, opts?: { queue?: boolean }): Promise<RequestResult<T>> {
    return new Promise((resolve, reject) => {
      this.requests.push({ type, params, resolve: resolve as (r: unknown) => void, reject, ...(opts?.queue && { queued: true }) });
    });
  }

  retries = 0;

  retryNow(): void {
    this.retries++;
  }

  sendTyping(roomId: string): void {
    this.typing.push(roomId);
  }

  /** Every idle state told, oldest first. */
  readonly idle: boolean[] = [];

  setIdle(idle: boolean): void {
    this.idle.push(idle);
  }

  /** Requests of one type, oldest first. */
  of(type: RequestType): SentRequest[] {
    return this.requests.filter((r) => r.type === type);
  }
}
