import type { AppState } from '../app-state.js';
import { firstAfter } from '../../wrap/view-lines.js';
import { currentView, visiblePane } from './selectors.js';

/*
 * A room entered with many unread messages opens at the read ruler, the first unread message at the top (or
 * as near as the screen allows), the way irssi and Discord do: the reader starts where they left off and
 * reads down; reaching the bottom marks the room read. If the first unread message is not loaded yet, the view
 * goes to the oldest loaded row, which asks for older history; the anchor is placed when that page arrives.
 */
export function placeAtRuler(state: AppState): AppState {
  const roomId = state.currentRoomId;
  const view = currentView(state);
  if (!roomId || !view?.anchor) return state;
  const setPane = (patch: Partial<typeof view>): AppState => ({ ...state, views: { ...state.views, [roomId]: { ...state.views[roomId]!, ...patch } } });
  if (view.ruler === null) return setPane({ anchor: false });
  const loaded = view.end || (view.messages[0] !== undefined && view.messages[0].order <= view.ruler);
  // Nothing unread is loaded yet (history still to come): wait for it.
  if (firstAfter(view.messages, view.ruler) >= view.messages.length) return loaded ? setPane({ anchor: false }) : state;
  const all = visiblePane(setPane({ scroll: Number.MAX_SAFE_INTEGER }));
  if (!loaded) return setPane({ scroll: all.scroll });
  const height = all.height;
  const rows = all.rulerRows;
  // The ruler is not drawn (only our own messages since): stay at the newest message.
  if (rows === null) return setPane({ anchor: false, scroll: 0 });
  return setPane({ anchor: false, scroll: Math.max(0, rows - height), newBelow: 0 });
}

/** The reader moved: the view is theirs now. */
export const dropAnchor = (state: AppState): AppState => {
  const id = state.currentRoomId;
  const pane = id ? state.views[id] : undefined;
  return pane?.anchor ? { ...state, views: { ...state.views, [id!]: { ...pane, anchor: false } } } : state;
};
