import type { PendingCommand } from './overlay/overlay.js';
import type { ThreadAction } from './threads/thread-pane.js';
import type { MembersAction } from './members/members-pane.js';
import type { ImagesAction } from './images/images.js';
import type { Look } from '../config/config-file.js';
import type { Prefs, PrefsList } from './prefs/prefs.js';
import type { ClientEvent, ConnectionStatus, Message, PresenceStatus, SnapshotReason, StateResult } from '@open-discord/protocol';
import type { SearchAction } from './search/search.js';
import type { AccountAction } from './account/account.js';
import type { ForumAction } from './forum/forum.js';
import type { InboxAction } from './inbox/inbox.js';
import type { VoiceAction } from './voice/voice.js';

/**
 * Everything that can change the TUI's state. The reducer is the only thing that interprets these; the part
 * before the `/` names the feature whose reducer handles it (see reducer.ts).
 */
export type Action =
  | VoiceAction
  | ThreadAction
  | MembersAction
  | ImagesAction
  | { type: 'status'; status: ConnectionStatus }
  /** A lag probe came back after `ms`, at `at` (injected clock). */
  | { type: 'lag'; ms: number; at: number }
  | { type: 'snapshot'; state: StateResult; reason: SnapshotReason }
  | { type: 'event'; event: ClientEvent }
  | { type: 'presence'; userId: string; online: boolean; status?: PresenceStatus }
  | { type: 'presence/all'; users: ReadonlyArray<{ userId: string; status: PresenceStatus }> }
  /** Someone is typing in a room; `at` is the injected clock's time of arrival. */
  | { type: 'typing'; roomId: string; userId: string; at: number }
  | { type: 'history/requested'; roomId: string }
  | { type: 'history/loaded'; roomId: string; messages: Message[]; end: boolean }
  | { type: 'history/failed'; roomId: string; error: string }
  | { type: 'send/started'; roomId: string; nonce: string; text: string; action?: boolean; authorId: string; at: number }
  | { type: 'send/confirmed'; roomId: string; nonce: string; message: Message }
  | { type: 'send/failed'; roomId: string; nonce: string; error: string }
  | { type: 'send/retry'; roomId: string; nonce: string }
  | { type: 'room/select'; roomId: string }
  | { type: 'room/step'; delta: 1 | -1 }
  | { type: 'room/index'; index: number }
  | { type: 'room/next-activity' }
  | { type: 'scroll'; lines: number }
  | { type: 'scroll/bottom' }
  /** To the read ruler when at the newest message, else back to the newest. */
  | { type: 'scroll/ruler' }
  | { type: 'read/local'; roomId: string; order: number }
  | { type: 'input/insert'; text: string }
  | { type: 'input/backspace' }
  | { type: 'input/delete' }
  | { type: 'input/move'; to: 'left' | 'right' | 'home' | 'end' | 'word-left' | 'word-right' }
  | { type: 'input/kill'; what: 'line' | 'to-end' | 'word' }
  | { type: 'input/set'; text: string }
  | { type: 'input/history'; delta: 1 | -1 }
  | { type: 'input/complete'; candidates: string[]; start: number; end: number }
  | { type: 'input/complete-next' }
  | { type: 'input/submitted'; text: string }
  | { type: 'overlay/help'; lines: string[]; title?: string }
  | { type: 'overlay/roles' }
  /** Scroll /help or /role list by `lines` (negative: up). */
  | { type: 'overlay/scroll'; lines: number }
  | { type: 'overlay/switcher' }
  | { type: 'overlay/switcher-query'; query: string }
  | { type: 'overlay/switcher-move'; delta: 1 | -1 }
  /** A multi-line paste: `before` + `text` + `after` (the input around the cursor) is offered for sending. */
  | { type: 'overlay/paste'; before: string; text: string; after: string }
  /** A later chunk of the same paste. */
  | { type: 'overlay/paste-more'; text: string }
  /** Ask y/N before running a destructive command. */
  | { type: 'overlay/confirm'; question: string; command: PendingCommand }
  | { type: 'overlay/close' }
  /** A notice about `roomId` (default: the room on screen when it is dispatched; null: the whole server). */
  | { type: 'flash'; kind: 'info' | 'error'; text: string; roomId?: string | null }
  | { type: 'flash/clear' }
  /** Greet a member who has just signed up (see notices/hint.ts). */
  | { type: 'flash/greet' }
  /** The notice `id` has been up for its time (see notices.ts). */
  | { type: 'flash/expire'; id: number }
  | { type: 'resize'; cols: number; rows: number }
  | { type: 'overlay/quit-confirm' }
  | { type: 'overlay/room-jump' }
  | { type: 'overlay/room-jump-digit'; digit: string }
  /** This device's choices for this server (from the config file). */
  | { type: 'prefs/load'; prefs: Prefs }
  /** Timestamp format and colours (from the config file). */
  | { type: 'prefs/look'; look: Look }
  /** /part and /join (hidden), /mute and /unmute, /ignore and /unignore. */
  | { type: 'prefs/set'; list: PrefsList; id: string; on: boolean }
  /** Selection mode (selection/): start on my newest message or the newest one, move (-1 older), leave. */
  | { type: 'select/enter'; start: 'own-last' | 'last' }
  | { type: 'select/move'; delta: 1 | -1 }
  | { type: 'select/leave' }
  /** Keep the selected message as the target of the next command, and give the keys back to the input line. */
  | { type: 'select/hold' }
  /** Edit a message of mine: its text goes into the input line, and Enter saves it. */
  | { type: 'select/edit'; roomId: string; messageId: string; text: string }
  /** Editing is over (saved, or given up: `clear` empties the input line). */
  | { type: 'select/edit-end'; clear?: boolean }
  /** /peek: look at a room without marking it read, or stop. */
  | { type: 'chats/peek'; roomId: string; on: boolean }
  | SearchAction
  | AccountAction
  | ForumAction
  | InboxAction;
