import type { OdClientEvents, RequestParams, RequestResult, RequestType } from '@open-discord/protocol';
import type { Store } from '../state/store.js';
import type { Timers } from './timers.js';

/** The part of the protocol client the TUI uses (OdClient satisfies it; tests drive a fake by hand). */
export interface ChatClient {
  on<K extends keyof OdClientEvents>(name: K, listener: OdClientEvents[K]): unknown;
  /** `queue`: a message typed while offline waits for the connection instead of timing out (see OdClient). */
  request<T extends RequestType>(type: T, params: RequestParams<T>, opts?: { queue?: boolean }): Promise<RequestResult<T>>;
  sendTyping(roomId: string): void;
  /** The person is idle (no key for a while) or back: others see them away while all their clients are idle. */
  setIdle(idle: boolean): void;
  /** Reconnect now instead of waiting out the backoff. */
  retryNow(): void;
  /** Voice (OdClient's); absent in clients without it, where the voice commands say so. */
  voiceJoin?(roomId: string, opts?: { muted?: boolean; deafened?: boolean }): Promise<unknown>;
  voiceLeave?(): Promise<void>;
  voiceSet?(state: { muted?: boolean; deafened?: boolean }): Promise<unknown>;
  sendVoice?(frame: { seq: number; timestamp: number; payload: Uint8Array; end?: boolean }): boolean;
}

/** What every controller is given: the client to talk to, the store to read and dispatch to, and the clock. */
export interface ControllerContext {
  client: ChatClient;
  store: Store;
  now: () => number;
  /** For waits a controller schedules (a rate-limited send's retry); tests run them by hand. */
  timers?: Timers;
}
