import { roomThreadBadge, threadBadge, type Unread } from '@open-discord/protocol';
import { paneLines, type PaneLines } from '../../wrap/view-lines.js';
import type { AppState } from '../app-state.js';
import { layoutOf } from '../layout.js';
import { shownMessages } from '../messages/selectors.js';
import { emptyPane } from '../messages/view.js';
import { authorOf } from '../roles/roles.js';
import { roomLabel } from '../rooms/selectors.js';
import { openThread } from './thread-pane.js';
import { textImages } from '../images/images.js';

/** The rows of the thread pane: the root (without its summary), then its loaded replies, scrolled as the pane is. */
export function threadPaneLines(state: AppState, width: number, height: number, now?: number): PaneLines & { title: string } {
  const open = openThread(state);
  const world = state.world;
  const pane = state.thread;
  if (!open || !world || !pane) return { lines: [], atTop: true, scroll: 0, rulerRows: null, markRows: null, title: '' };
  const root = open.root ? (({ thread: _t, ...r }) => r)(open.root) : undefined;
  const messages = shownMessages(root ? [root, ...open.replies] : open.replies);
  const lines = paneLines(
    { ...emptyPane(), loading: pane.loading, scroll: pane.scroll, messages, end: false, readMarker: 0, unread: 0, mentions: 0, activity: [] },
    { width, meId: world.me.id, roomName: roomLabel(state, pane.roomId), author: (id) => authorOf(world, id), look: state.look, images: textImages(state.images), ...(now !== undefined && { now }) },
    height,
    pane.scroll,
  );
  const count = open.root?.thread?.count ?? open.replies.length;
  const f = world.followed[pane.rootId];
  const following = f ? (f.muted ? 'muted' : f.level === 'all' ? 'following' : `following: ${f.level}`) : 'not following';
  return { ...lines, title: `thread in #${roomLabel(state, pane.roomId)} · ${count} ${count === 1 ? 'reply' : 'replies'} · ${following}` };
}

/** A room's thread badge for the room list: its followed threads' unread, by their levels and mutes. */
export function roomThreadCounts(state: Pick<AppState, 'world' | 'thread'>, roomId: string): Unread {
  if (!state.world) return { count: 0, mentions: 0 };
  const b = roomThreadBadge(state.world, roomId);
  // The thread on screen is being read: it does not call for attention.
  const open = state.thread?.roomId === roomId ? threadBadge(state.world, state.thread.rootId) : null;
  return open ? { count: b.count - open.count, mentions: b.mentions - open.mentions } : b;
}

/** The thread pane's height: the room pane's, less its title and toggle rows. */
export const threadBodyHeight = (state: AppState): number => Math.max(1, layoutOf(state).paneHeight - 2);
