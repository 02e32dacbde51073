import { randomUUID } from 'node:crypto';
import type { PendingCommand } from '../state/overlay/overlay.js';
import type { Store } from '../state/store.js';
import type { ChatClient, ControllerContext } from './chat-client.js';
import { attachCommands } from './commands.js';
import { attachConnection } from './connection.js';
import { attachHistory } from './history.js';
import { attachLag } from './lag.js';
import { attachSearch } from './search.js';
import { attachSend } from './send.js';
import { attachTyping } from './typing.js';

export type { ChatClient } from './chat-client.js';
export { LAG_PROBE_MS } from './lag.js';
export { isMessageDraft } from './typing.js';

export interface ControllerOptions {
  onQuit: () => void;
  nonce?: () => string;
  now?: () => number;
  /** Messages per history page. */
  historyPage?: number;
}

/** What the chat screen can ask of the controllers. */
export interface ChatActions {
  /** What Enter does with the input line: send a message or run a command. */
  submit(line: string): void;
  /** Retry the newest failed send in the current room (same nonce, so the server never stores it twice). */
  retry(): void;
  /** Run a destructive command the user confirmed (see the confirm overlay). */
  runConfirmed(command: PendingCommand): void;
  /** Reconnect now instead of waiting out the backoff (the "retry now" key). */
  reconnect(): void;
  /** Measure the lag for the status line (see lag.ts); the caller runs it every LAG_PROBE_MS. */
  probeLag(): void;
  /** /search results: Enter on the selected hit jumps to it in its room; the next page of hits. */
  jumpToHit(): void;
  moreHits(): void;
}

/**
 * Wire the protocol client to the store through one small controller per concern: connection (client events
 * → actions), history (history pages, read markers, rooms that became visible), typing, send, commands and
 * lag. Each subscribes to the store for what it reacts to; order matters only in that history loads are asked
 * for before the typing signal goes out, as they always were.
 */
export function attachClient(client: ChatClient, store: Store, opts: ControllerOptions): ChatActions {
  const ctx: ControllerContext = { client, store, now: opts.now ?? Date.now };
  const nonce = opts.nonce ?? (() => randomUUID());
  attachConnection(ctx);
  const probeLag = attachLag(ctx);
  attachHistory(ctx, opts.historyPage ?? 100);
  const typed = attachTyping(ctx);
  const sender = attachSend(ctx, nonce, typed);
  const search = attachSearch(ctx, opts.historyPage ?? 100);
  const commands = attachCommands(ctx, sender, nonce, opts.onQuit, {
    search: (args) => search.search(String(args.query ?? '')),
    'find-user': (args) => search.findUsers(String(args.nick ?? '')),
    'find-room': (args) => search.findRooms(String(args.name ?? '')),
  });
  return {
    submit: commands.submit,
    runConfirmed: commands.run,
    retry: sender.retry,
    probeLag,
    reconnect: () => client.retryNow(),
    jumpToHit: search.jump,
    moreHits: search.more,
  };
}
