import type { ConnectionStatus, World } from '@open-discord/protocol';
import { emptyInput, type InputState } from './input/input-state.js';
import type { PaneState } from './messages/view.js';
import type { Flash } from './notices/notices.js';
import type { ActivityState } from './activity/activity.js';
import type { Overlay } from './overlay/overlay.js';
import type { AccountScreen } from './account/account.js';
import { emptySearch, type SearchState } from './search/search.js';
import { emptyForum, type ForumState } from './forum/forum.js';
import { emptyInbox, type InboxState } from './inbox/inbox.js';
import { emptyVoice, type VoiceState } from './voice/voice.js';
import type { TypingState } from './typing/typing.js';
import type { Editing, Selection } from './selection/selection.js';
import type { ThreadPane } from './threads/thread-pane.js';
import type { MembersPane } from './members/members-pane.js';
import { type ImagesState, NO_IMAGES } from './images/images.js';
import { emptyPrefs, type Prefs } from './prefs/prefs.js';
import { DEFAULT_LOOK, type Look } from '../config/config-file.js';

/**
 * The TUI's whole state: one key (or a few) per feature, each owned by the folder of the same name, whose
 * reducer is the only code that writes it. What the user may see of the server is the protocol package's
 * World (the same model bots fold events with); everything else here is the terminal's own.
 */
export interface AppState {
  /** world/: the server as this user sees it; null until the first snapshot. */
  world: World | null;
  /** connection/: the client's status, and the newest lag probe on this connection (null until one came back). */
  status: ConnectionStatus;
  lag: { ms: number; at: number } | null;
  /** rooms/: the room on screen. */
  currentRoomId: string | null;
  /** messages/: per room, what only this screen knows: pending sends, scroll, ruler, history loading. */
  views: Record<string, PaneState>;
  /** activity/: per room, lines of what happened (nick changes, joins, kicks, topics), shown among the messages. */
  activity: ActivityState;
  /** input/: the input line; per-room drafts (the current room's lives in `input`) and sent-line history. */
  input: InputState;
  drafts: Record<string, { text: string; cursor: number }>;
  history: Record<string, string[]>;
  /** typing/: who is typing where (ephemeral). */
  typing: TypingState;
  /** notices/: the one-line notice, and mentions to announce (each increase of `bell` is one, about `lastMention`). */
  flash: Flash | null;
  bell: number;
  /** A new member (just signed up): the welcome hint stays until they have said something (see hint.ts). */
  greeting: boolean;
  lastMention: { roomId: string; authorId: string; text: string } | null;
  /** overlay/: what covers the message pane, if anything. */
  overlay: Overlay | null;
  /** prefs/: rooms parted or muted and members ignored, on this device for this server. */
  prefs: Prefs;
  /** prefs/: timestamp format and colours from the config file. */
  look: Look;
  /** The terminal's size (see layout.ts). */
  layout: { cols: number; rows: number };
  /** selection/: the message picked with the keys, and the message being edited in the input line. */
  selection: Selection | null;
  editing: Editing | null;
  /** chats/: rooms looked at without marking them read (/peek), this session only. */
  peeking: Record<string, true>;
  /** threads/: the thread pane, when one is open. */
  thread: ThreadPane | null;
  /** members/: the member list of the room on screen, when it is open (Alt+M). */
  members: MembersPane | null;
  /** images/: how pictures are drawn, and which thumbnails have arrived. */
  images: ImagesState;
  /** search/: /search results, and the hit being read in its room. */
  search: SearchState;
  /** account/: the /2fa, /password or /sessions screen while it is open. */
  account: AccountScreen | null;
  /** forum/: boards shown, the post being written, and the post list overlay. */
  forum: ForumState;
  /** inbox/: the notification inbox's newest page, unread count and settings, as the server listed them. */
  inbox: InboxState;
  /** voice/: the voice room od is in, the mic's state and level, who is speaking, per-user volumes. */
  voice: VoiceState;
}

export function initialState(cols = 80, rows = 24): AppState {
  return {
    world: null,
    status: { state: 'connecting', attempt: 1 },
    lag: null,
    currentRoomId: null,
    views: {},
    activity: {},
    input: emptyInput(),
    drafts: {},
    history: {},
    typing: {},
    flash: null,
    bell: 0,
    greeting: false,
    lastMention: null,
    overlay: null,
    prefs: emptyPrefs(),
    look: DEFAULT_LOOK,
    layout: { cols, rows },
    selection: null,
    editing: null,
    peeking: {},
    thread: null,
    members: null,
    images: NO_IMAGES,
    search: emptySearch(),
    account: null,
    forum: emptyForum(),
    inbox: emptyInbox(),
    voice: emptyVoice,
  };
}
