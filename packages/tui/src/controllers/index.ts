import type { ExportAccount } from './account.js';
import { randomUUID } from 'node:crypto';
import type { PendingCommand } from '../state/overlay/overlay.js';
import type { Store } from '../state/store.js';
import type { ChatClient, ControllerContext } from './chat-client.js';
import type { Timers } from './presence.js';
import { attachCommands } from './commands.js';
import { attachAppPasswords } from './app-passwords.js';
import { attachBans } from './bans.js';
import { attachAccount, type Account } from './account.js';
import { attachFiles } from './files.js';
import { attachImages } from './images.js';
import type { ThumbCache } from '../images/painter.js';
import type { FileTransfer } from '../files/transfer.js';
import { attachConnection } from './connection.js';
import { attachHistory } from './history.js';
import { attachLag } from './lag.js';
import { attachPresence } from './presence.js';
import { attachMessageActions, type MessageActions } from './message-actions.js';
import { attachSearch } from './search.js';
import { selectedHit } from '../state/search/search.js';
import { attachSend } from './send.js';
import { attachThreads, type Threads } from './threads.js';
import { attachForum, type Forum } from './forum.js';
import { attachInbox, type Inbox } from './inbox.js';
import { attachTyping } from './typing.js';
import { attachVoice, type Voice } from './voice.js';
import type { AudioOptions } from '../voice/audio-tools.js';

export type { ChatClient } from './chat-client.js';
export { LAG_PROBE_MS } from './lag.js';
export { isMessageDraft } from './typing.js';

export interface ControllerOptions {
  onQuit: () => void;
  nonce?: () => string;
  now?: () => number;
  /** Messages per history page. */
  historyPage?: number;
  /** Timers for the idle check (tests drive them by hand) and how long without a key counts as idle. */
  timers?: Timers;
  idleAfterMs?: number;
  /** Where escape sequences for the terminal itself go (the clipboard's OSC 52); standard output by default. */
  writeTerminal?: (data: string) => void;
  /** Uploads and downloads (`/upload`, `/open`); none: those commands say they are unavailable. */
  files?: FileTransfer;
  /** Writes the data export (`/account export`); none: the command says it is unavailable. */
  /** The account was deleted (`/account delete` succeeded): the saved session is worth nothing now. */
  onAccountDeleted?: () => void;
  exportAccount?: ExportAccount;
  /** Where decoded thumbnails go (for the painter); none: no thumbnails are fetched, pictures stay half blocks. */
  thumbs?: ThumbCache;
  /** Voice audio: the system's audio tools, or files in their place (tests); none: the voice commands say so. */
  audio?: AudioOptions | null;
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
  /** Save and open the newest attachment of the room on screen (Alt+O, as /open). */
  openAttachment?(): void;
  /** Measure the lag for the status line (see lag.ts); the caller runs it every LAG_PROBE_MS. */
  probeLag(): void;
  /** A key was pressed (the person is not idle). */
  touch(): void;
  /** Open or close the member list of the room on screen (beside the chat, or over it when narrow). */
  members(): void;
  /** Stop the controllers' timers (on quit). */
  stop(): void;
  /** The selection keys' actions on a message (react, edit, copy); absent where nothing is connected. */
  messages?: MessageActions;
  /** The thread pane: open the thread of a message (e.g. the selected one), close it. */
  threads?: Threads;
  /** The account screens (/2fa, /password, /sessions): their keys go here while one is open. */
  account?: Account;
  /** /search results: Enter on the selected hit jumps to it in its room; the next page of hits. */
  jumpToHit(): void;
  moreHits(): void;
  /** Boards: open the selected post (on the board or in the post list); absent where nothing is connected. */
  forum?: Pick<Forum, 'openSelected' | 'openListed' | 'profile' | 'openFound'>;
  /** Voice: push-to-talk (Alt+V), joining the voice room on screen (Enter on an empty line there). */
  voice?: Pick<Voice, 'togglePtt' | 'join'>;
  /** The notification inbox: open it (Alt+I), go to the selected item (Enter). */
  inbox?: Pick<Inbox, 'open' | 'jump'>;
}

/**
 * Wire the protocol client to the store through one small controller per concern: connection (client events
 * → actions), history (history pages, read markers, rooms that became visible), typing, send, commands and
 * lag. Each subscribes to the store for what it reacts to; order matters only in that history loads are asked
 * for before the typing signal goes out, as they always were.
 */
export function attachClient(client: ChatClient, store: Store, opts: ControllerOptions): ChatActions {
  const ctx: ControllerContext = { client, store, now: opts.now ?? Date.now, ...(opts.timers && { timers: opts.timers }) };
  const nonce = opts.nonce ?? (() => randomUUID());
  attachConnection(ctx);
  const probeLag = attachLag(ctx);
  attachHistory(ctx, opts.historyPage ?? 100);
  const typed = attachTyping(ctx);
  const sender = attachSend(ctx, nonce, typed);
  const presence = attachPresence(ctx, opts.timers, opts.idleAfterMs);
  const messages = attachMessageActions(ctx, opts.writeTerminal ?? ((data) => void process.stdout.write(data)));
  const files = attachFiles(ctx, opts.files ?? null, nonce);
  const stopImages = opts.files && opts.thumbs ? attachImages(ctx, opts.files, opts.thumbs) : () => {};
  const threads = attachThreads(ctx, nonce);
  const search = attachSearch(ctx, opts.historyPage ?? 100);
  const account = attachAccount(ctx, opts.exportAccount, opts.onAccountDeleted);
  const appPassword = attachAppPasswords(ctx);
  const bans = attachBans(ctx);
  const forum = attachForum(ctx, threads, nonce, opts.files ?? null);
  const inbox = attachInbox(ctx, threads);
  const voice = attachVoice(ctx, { audio: opts.audio ?? null });
  const commands = attachCommands(ctx, sender, nonce, opts.onQuit, messages, presence, files, threads, {
    // `/search #tag` alone: posts with that hashtag on the boards one can see.
    search: (args) => (/^#\S+$/u.test(String(args.query ?? '').trim()) ? forum.tagged(String(args.query).trim()) : search.search(String(args.query ?? ''))),
    'find-user': (args) => search.findUsers(String(args.nick ?? '')),
    'find-room': (args) => search.findRooms(String(args.name ?? '')),
    '2fa': (args) => account.twoFactor(typeof args.action === 'string' ? args.action.toLowerCase() : undefined),
    password: () => account.password(),
    sessions: () => account.sessions(),
    inbox: (args) => inbox.run(args),
    account: (args) => account.account(String(args.action ?? '').toLowerCase(), typeof args.arg === 'string' ? args.arg : undefined),
    audit: () => account.audit(),
    apppassword: (args) => appPassword(String(args.action ?? '').toLowerCase(), typeof args.arg === 'string' ? args.arg : undefined),
    bans: () => bans.list(),
    unban: (args) => bans.unban(String(args.nick ?? '')),
    'join-voice': (args) => voice.join(typeof args.room === 'string' ? args.room : undefined),
    'leave-voice': () => voice.leave(),
    'mute-mic': () => voice.toggleMute(),
    deafen: () => voice.toggleDeafen(),
    volume: (args) => voice.volume(String(args.nick ?? ''), Number(args.percent)),
    'voice-mode': (args) => voice.mode(String(args.mode ?? '').toLowerCase()),
    ptt: () => voice.togglePtt(),
  }, forum);
  return {
    submit: commands.submit,
    runConfirmed: commands.run,
    retry: sender.retry,
    probeLag,
    reconnect: () => client.retryNow(),
    messages,
    openAttachment: () => files.open(1),
    touch: presence.touch,
    members: presence.members,
    stop: () => {
      presence.stop();
      stopImages();
      voice.stop();
    },
    threads,
    account,
    jumpToHit: () => {
      // A hit in a thread (not also in the room): the room shows its root, and the thread opens beside it.
      const hit = selectedHit(store.getState());
      search.jump();
      if (hit?.message.threadId && !hit.message.alsoInRoom) threads.open(hit.message.roomId, hit.message.threadId);
    },
    moreHits: search.more,
    forum,
    inbox,
    voice,
  };
}
