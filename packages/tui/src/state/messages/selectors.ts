import { isCommunityRoom, isQuiet, type Message, seenBy, userById, type World } from '@open-discord/protocol';
import { paneLines, type PaneLines } from '../../wrap/view-lines.js';
import type { ActivityLine } from '../activity/describe.js';
import type { AppState } from '../app-state.js';
import { layoutOf } from '../layout.js';
import { hiddenAuthors } from '../prefs/prefs.js';
import { authorOf } from '../roles/roles.js';
import { roomLabel } from '../rooms/selectors.js';
import { selectedMessage } from '../selection/selection.js';
import { currentJump } from '../search/search.js';
import { emptyPane, type ChatMessage, type PaneState, type RoomView } from './view.js';

const EMPTY_PANE: PaneState = emptyPane();
const NO_MESSAGES: readonly ChatMessage[] = [];
const NO_ACTIVITY: readonly ActivityLine[] = [];

/*
 * The world's messages as the screen's confirmed messages. Wrapping caches by message object (see
 * message-lines.ts), so each world message maps to one ChatMessage for as long as it lives, and each list to
 * one mapped list: deriving costs a lookup, not a re-wrap.
 */
const shownItems = new WeakMap<Message, ChatMessage>();
const shownLists = new WeakMap<readonly Message[], readonly ChatMessage[]>();

function shown(m: Message): ChatMessage {
  let c = shownItems.get(m);
  if (!c) shownItems.set(m, (c = { ...m, status: 'confirmed' }));
  return c;
}

export function shownMessages(list: readonly Message[] | undefined): readonly ChatMessage[] {
  if (!list || list.length === 0) return NO_MESSAGES;
  let out = shownLists.get(list);
  if (!out) shownLists.set(list, (out = list.map(shown)));
  return out;
}

/**
 * A visible room as the components draw it, or undefined when this user does not see it. The room on screen
 * shows no unread while it follows the newest message: the reader is looking at it (the read marker catches up
 * as soon as the client is live).
 */
export function roomView(
  state: Pick<AppState, 'world' | 'views' | 'currentRoomId' | 'activity'> & Partial<Pick<AppState, 'prefs' | 'search'>>,
  roomId: string,
): RoomView | undefined {
  const world = state.world;
  if (!world?.rooms[roomId]) return undefined;
  const pane = state.views[roomId] ?? EMPTY_PANE;
  const counts = world.unread[roomId];
  // Reading a search hit far back (the room's jump window): its messages, not the newest ones.
  const jump = state.search?.jump?.roomId === roomId ? world.jumps[roomId] : undefined;
  // A muted room (/mute, or set to ring for nothing) shows no count and rings nothing; the reader looks in
  // when they choose. The world's count stays exact.
  // The room's retention horizon: history ends there because older messages were deleted, not because it began.
  const expired = (world.rooms[roomId]!.expiredThrough ?? 0) > 0;
  const seen = (roomId === state.currentRoomId && pane.scroll === 0 && !jump) || !!state.prefs?.muted.includes(roomId) || isQuiet(world, roomId);
  if (jump) {
    return {
      ...pane,
      pending: [],
      ruler: null,
      anchor: false,
      loading: state.search!.jump!.loading,
      messages: shownMessages(jump.messages),
      end: jump.olderEnd,
      expired,
      readMarker: world.readMarkers[roomId] ?? 0,
      unread: seen ? 0 : (counts?.count ?? 0),
      mentions: seen ? 0 : (counts?.mentions ?? 0),
      activity: NO_ACTIVITY,
    };
  }
  return {
    ...pane,
    messages: shownMessages(world.messages[roomId]),
    end: world.historyEnd[roomId] ?? false,
    expired,
    readMarker: world.readMarkers[roomId] ?? 0,
    unread: seen ? 0 : (counts?.count ?? 0),
    mentions: seen ? 0 : (counts?.mentions ?? 0),
    activity: state.activity[roomId] ?? NO_ACTIVITY,
  };
}

export function currentView(state: AppState): RoomView | null {
  return state.currentRoomId ? (roomView(state, state.currentRoomId) ?? null) : null;
}

/*
 * Our pending sends while the client is not live are waiting for the connection (the client sends them, same
 * nonce, on reconnect): say so. Derived here, so the reducer's pending list never has to follow the status.
 */
const queuedCopies = new WeakMap<ChatMessage, ChatMessage>();
export function queuedWhileOffline(pending: readonly ChatMessage[], live: boolean): ChatMessage[] {
  if (live) return pending as ChatMessage[];
  return pending.map((p) => {
    if (p.status !== 'pending') return p;
    let q = queuedCopies.get(p);
    if (!q) queuedCopies.set(p, (q = { ...p, status: 'queued' }));
    return q;
  });
}

/** Read receipts of a chat as nicknames per message id ("seen by bob, carol"). */
function seenByNames(world: World, roomId: string): (messageId: string) => readonly string[] | undefined {
  const at = seenBy(world, roomId);
  return (id) => at.get(id)?.map((u) => userById(world, u)?.nickname ?? '?');
}

/** The rows of the message pane for the current room at the current size and scroll position. */
export function visiblePane(state: AppState, now?: number): PaneLines & { height: number; newBelow: number } {
  const l = layoutOf(state);
  const view = currentView(state);
  const world = state.world;
  if (!view || !world || !state.currentRoomId) return { lines: [], atTop: true, scroll: 0, height: l.paneHeight, newBelow: 0, rulerRows: null, markRows: null };
  const mark = currentJump(state);
  const hidden = hiddenAuthors(state);
  const pane = paneLines(
    { ...view, pending: queuedWhileOffline(view.pending, state.status.state === 'live') },
    {
      width: l.paneWidth,
      meId: world.me.id,
      roomName: roomLabel(state, state.currentRoomId),
      author: (id) => authorOf(world, id),
      look: state.look,
      images: state.images,
      selectedId: selectedMessage(state)?.id ?? null,
      ...(now !== undefined && { now }),
      ...(hidden && { ignored: hidden }),
      ...(!isCommunityRoom(world.rooms[state.currentRoomId]?.kind) && { seenBy: seenByNames(world, state.currentRoomId) }),
      ...(mark && { markId: mark.messageId }),
    },
    l.paneHeight,
    view.scroll,
  );
  return { ...pane, height: l.paneHeight, newBelow: view.newBelow };
}

/** The current room needs older history: its view reaches the oldest loaded message and more exist. */
export function historyWanted(state: AppState): { roomId: string; before: number | undefined } | null {
  // A jump window loads its own pages (search controller): older pages belong to it, not to the main list.
  if (inJumpWindow(state)) return null;
  const view = currentView(state);
  if (!view || !state.currentRoomId || view.end || view.loading) return null;
  if (state.status.state !== 'live') return null;
  if (view.messages.length > 0 && !visiblePane(state).atTop) return null;
  return { roomId: state.currentRoomId, before: view.messages[0]?.order };
}

/** The current room shows its newest message and it is not yet marked read. */
export function readWanted(state: AppState): { roomId: string; order: number } | null {
  // Reading far back: the newest messages are not on screen.
  if (inJumpWindow(state)) return null;
  const view = currentView(state);
  if (!view || !state.currentRoomId || view.scroll > 0 || state.status.state !== 'live') return null;
  // Looking without marking read (/peek).
  if (state.peeking?.[state.currentRoomId]) return null;
  const last = view.messages[view.messages.length - 1];
  if (!last || last.order <= view.readMarker) return null;
  return { roomId: state.currentRoomId, order: last.order };
}

/** The current room shows its jump window (a search hit far back), not its newest messages. */
export function inJumpWindow(state: Pick<AppState, 'search' | 'currentRoomId' | 'world'>): boolean {
  const j = currentJump(state);
  return j !== null && state.world?.jumps[j.roomId] !== undefined;
}
